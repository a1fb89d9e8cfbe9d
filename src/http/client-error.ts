// Requests Node's HTTP parser refuses before Fastify sees them (broken request lines, bad header
// bytes, oversized headers, chunked framing errors, a request that never finishes) and CONNECT,
// which Node hands to a separate event: each gets a problem+json answer where the socket can
// still take one, then the connection is closed. The parser's error carries the raw request
// bytes (`rawPacket`, Authorization header included): only its code is ever logged.
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { problemFor, type ProblemBody } from './problem.ts'
import type { ProblemCode } from './problem-types.ts'

const REASONS: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }

const PARSER_DETAILS: Record<string, [ProblemCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['NASHRA_REQUEST_TIMEOUT', 'The request did not arrive in full in time.'],
  HPE_HEADER_OVERFLOW: ['NASHRA_HEADERS_TOO_LARGE', 'The request line and headers are larger than the server accepts.'],
  HPE_INVALID_METHOD: ['NASHRA_MALFORMED_REQUEST', 'The request line does not start with a known HTTP method.'],
  HPE_INVALID_URL: ['NASHRA_MALFORMED_REQUEST', 'The request target is not a valid path.'],
  HPE_INVALID_VERSION: ['NASHRA_MALFORMED_REQUEST', 'The request line does not end with a valid HTTP version.'],
  HPE_INVALID_HEADER_TOKEN: ['NASHRA_MALFORMED_REQUEST', 'A header name has characters HTTP does not allow.'],
  HPE_INVALID_CONTENT_LENGTH: ['NASHRA_MALFORMED_REQUEST', 'Content-Length is not a single valid number.'],
  HPE_UNEXPECTED_CONTENT_LENGTH: ['NASHRA_MALFORMED_REQUEST', 'Content-Length and Transfer-Encoding cannot both be sent.'],
  HPE_INVALID_CHUNK_SIZE: ['NASHRA_MALFORMED_REQUEST', 'A chunk size of the chunked body is not valid hexadecimal.'],
  HPE_INVALID_TRANSFER_ENCODING: ['NASHRA_MALFORMED_REQUEST', 'Transfer-Encoding must end with chunked.']
}

/** Writes the answer and closes our side; a client that never closes its side is cut off. */
function endWith (socket: Socket, response: string): void {
  socket.setTimeout(2000, () => socket.destroy())
  socket.end(response)
}

/** The raw HTTP/1.1 response for a problem, closing the connection. */
export function rawProblemResponse (problem: ProblemBody, extraHeaders: Record<string, string> = {}): string {
  const body = JSON.stringify(problem)
  const headers = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...extraHeaders
  }
  return `HTTP/1.1 ${problem.status} ${REASONS[problem.status] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`
}

/** The problem for a parser error: its code decides, its message and bytes are not repeated. */
export function parserProblem (code: string | undefined): ProblemBody {
  const [kind, detail] = PARSER_DETAILS[code ?? ''] ??
    ['NASHRA_MALFORMED_REQUEST', 'The request is not valid HTTP/1.1 (request line, headers or chunked framing).']
  return problemFor(kind, detail, undefined)
}

/** Fastify's clientErrorHandler: answers parser errors as problems, logs only the error code. */
export function clientErrorHandler (this: { log: FastifyBaseLogger }, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ code: err.code ?? null }, 'client error: request refused by the HTTP parser')
  if (socket.writable) endWith(socket, rawProblemResponse(parserProblem(err.code)))
  else socket.destroy()
}

/** Nashra is not a proxy: CONNECT gets a 405 problem instead of a silently closed socket. */
export function answerConnect (socket: Socket): void {
  const problem = problemFor('NASHRA_METHOD_NOT_ALLOWED', 'Nashra does not serve CONNECT: it is not a proxy.', undefined)
  socket.on('error', () => {}) // the client may already be gone; nothing to do about it
  if (socket.writable) endWith(socket, rawProblemResponse(problem, { allow: 'GET, HEAD, POST, PATCH, DELETE' }))
  else socket.destroy()
}
