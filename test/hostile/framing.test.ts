// Raw-socket framing cases on a real port: what no HTTP client library would send. Every one
// gets an answer (never a silently closed socket), never a 5xx, problem+json for every error,
// nothing stored for a refused request, and the service keeps answering afterwards.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY } from '../helpers/app.ts'
import { rawExchange } from '../helpers/raw-http.ts'
import { type HostileApp, startHostileApp } from './harness.ts'

const AUTH = `Authorization: Bearer ${ADMIN_KEY}\r\n`
// ASCII-only JSON (\u escapes): the cases are written as latin1 bytes.
const story = JSON.stringify({ ...summitPost, guid: 'urn:test:framing-chunked' }).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const chunked = (body: string): string => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
const post = (headers: string, body = ''): string => `POST /v1/articles HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\n${headers}\r\n${body}`

/** name, bytes, expected status, expected problem code (null: not an error) */
const CASES: Array<[string, string, number, string | null]> = [
  ['garbage bytes', '\u0000\u0001\u0002\u00ff hello\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['TLS hello on a plain port', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['unknown method', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['bad HTTP version', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['space in the target', 'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['control byte in the target', 'GET /health\u0001 HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['header name with a space', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['bare LF line endings (refused by the strict parser)', 'GET /health HTTP/1.1\nHost: x\n\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['two Host headers', 'GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['no Host header', 'GET /health HTTP/1.1\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n', 405, 'NASHRA_METHOD_NOT_ALLOWED'],
  ['TRACE', 'TRACE /health HTTP/1.1\r\nHost: x\r\n\r\n', 404, 'NASHRA_ROUTE_NOT_FOUND'],
  ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 404, 'NASHRA_ROUTE_NOT_FOUND'],
  ['broken percent-encoding', 'GET /v1/articles/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['oversized headers', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'NASHRA_HEADERS_TOO_LARGE'],
  ['many headers', `GET /health HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`, 431, 'NASHRA_HEADERS_TOO_LARGE'],
  ['invalid chunk size', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['chunk longer than its size', post('Transfer-Encoding: chunked\r\n', '2\r\n{"headline":1}\r\n0\r\n\r\n'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['Content-Length and chunked', post('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['two Content-Lengths that differ', post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['negative Content-Length', post('Content-Length: -1\r\n', '{}'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['Transfer-Encoding not ending in chunked', post('Transfer-Encoding: chunked, gzip\r\n', '2\r\n{}\r\n0\r\n\r\n'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['a valid chunked story', post('Transfer-Encoding: chunked\r\n', chunked(story)), 202, null],
  ['body shorter than Content-Length, then EOF', post('Content-Length: 100\r\n', '{"headline":'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['chunked body cut off, then EOF', post('Transfer-Encoding: chunked\r\n', '10\r\n{"headline"'), 400, 'NASHRA_MALFORMED_REQUEST'],
  ['invalid UTF-8 in a JSON body', post('Content-Length: 20\r\n', '{"headline":"\u00ff\u00fe\u00fd\u00fc\u00fb"}  '), 400, null],
  ['NUL in a header value', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400, 'NASHRA_MALFORMED_REQUEST'],
  ['absolute-form target', 'GET http://elsewhere.invalid/health HTTP/1.1\r\nHost: x\r\n\r\n', 200, null],
  ['upgrade request', 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 200, null],
  ['HTTP/1.0 without Host', 'GET /health HTTP/1.0\r\n\r\n', 200, null]
]

const REQUEST_TIMEOUT_MS = 1000

describe('hostile input: raw HTTP framing', () => {
  let h: HostileApp
  let port: number
  before(async () => {
    h = await startHostileApp({ HTTP_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms` })
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    port = (h.app.server.address() as { port: number }).port
  })
  after(async () => { await h.close() })

  for (const [name, bytes, status, code] of CASES) {
    it(`${name}: ${status}${code === null ? '' : ` ${code}`}`, async () => {
      const before = h.counter.counts()
      // Cases ending in a cut-off body half-close the socket: the server sees EOF mid-body.
      const cutOff = name.includes('then EOF')
      const res = await rawExchange(port, Buffer.from(bytes, 'latin1'), { timeoutMs: 5000, endAfterWrite: cutOff })
      assert.equal(res.timedOut, false, `${name}: no answer within 5 s`)
      assert.equal(res.status, status, `${name}: ${res.raw.slice(0, 300)}`)
      if (status >= 400) {
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', name)
        const problem = JSON.parse(res.body)
        assert.equal(problem.status, status)
        assert.match(problem.type, /^urn:nashra:problem:[a-z-]+$/)
        assert.equal(typeof problem.title, 'string')
        if (code !== null) assert.equal(problem.code, code, name)
        assert.doesNotMatch(res.body, /FST_|HPE_|rawPacket/, name)
        assert.deepEqual(h.counter.counts(), before, `${name}: a refused request stored something`)
      }
      const health = await h.app.inject({ url: '/health' })
      assert.equal(health.statusCode, 200, 'the service still answers')
    })
  }

  // A slow sender: the headers never complete and the socket stays open. The service answers 408
  // once HTTP_REQUEST_TIMEOUT has passed instead of holding the socket. (A body that stops half-way
  // is not cut by Node's request timeout under Fastify; the idle HTTP_CONNECTION_TIMEOUT ends it.)
  for (const [name, bytes] of [
    ['headers never finished', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ']
  ] as const) {
    it(`${name}: 408 NASHRA_REQUEST_TIMEOUT within the request timeout`, async () => {
      const before = h.counter.counts()
      const started = Date.now()
      const res = await rawExchange(port, Buffer.from(bytes, 'latin1'), { timeoutMs: REQUEST_TIMEOUT_MS * 4 })
      assert.equal(res.timedOut, false, `${name}: still open after ${Date.now() - started} ms`)
      assert.equal(res.status, 408, res.raw.slice(0, 300))
      assert.equal(JSON.parse(res.body).code, 'NASHRA_REQUEST_TIMEOUT')
      assert.ok(Date.now() - started >= REQUEST_TIMEOUT_MS - 50, 'not cut before the timeout')
      assert.deepEqual(h.counter.counts(), before)
    })
  }
})
