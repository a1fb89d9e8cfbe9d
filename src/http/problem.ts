// The one mapping from failures to RFC 9457 application/problem+json: coded errors (HttpError),
// domain errors (src/errors.ts and the others domain-problems.ts maps, StorageUnavailableError), schema validation (each bad field named as a JSON Pointer into the
// request, "/body/urgency"), and whatever Fastify or a plugin raises (invalid JSON, body too
// large, unsupported media type, rate limits, overload), which is answered in Nashra's terms:
// one `type` scheme (problem-types.ts), no framework codes or messages. Plugins that answer
// errors themselves (rate limit, under-pressure) should throw or pass their errors on, so they
// arrive here; `problemFor` and `sendProblem` are exported for any code that must answer directly.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Problem } from '../../schemas/problem.ts'
import { StorageUnavailableError } from '../storage/unavailable.ts'
import { domainHttpError } from './domain-problems.ts'
import { HttpError, type InvalidParam } from './errors.ts'
import { PROBLEM_KINDS, type ProblemCode, problemType } from './problem-types.ts'
import { describeValidation } from './validation.ts'

export type ProblemBody = Problem & Record<string, unknown>

/** A problem of a registered kind, its title and type from the table. */
export function problemFor (code: ProblemCode, detail: string, instance: string | undefined,
  extra: { invalidParams?: InvalidParam[] | undefined; extensions?: Record<string, unknown> } = {}): ProblemBody {
  const kind = PROBLEM_KINDS[code]
  return {
    type: problemType(code),
    title: kind.title,
    status: kind.status,
    detail,
    ...(instance === undefined ? {} : { instance }),
    code,
    ...(extra.invalidParams === undefined ? {} : { 'invalid-params': extra.invalidParams }),
    ...extra.extensions
  }
}

// Fastify's own client errors, by code, in words a client can act on.
const FRAMEWORK_ERRORS: Record<string, { code: ProblemCode; detail: string; invalidParams?: InvalidParam[] }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'NASHRA_MALFORMED_REQUEST', detail: 'The body is not valid JSON.', invalidParams: [{ name: '/body', reason: 'is not valid JSON' }] },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'NASHRA_MALFORMED_REQUEST', detail: 'The body is empty although Content-Type says JSON.', invalidParams: [{ name: '/body', reason: 'is empty; send a JSON object' }] },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'NASHRA_MALFORMED_REQUEST', detail: 'The body is not as long as Content-Length says.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'NASHRA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as Content-Type: application/json.' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'NASHRA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as Content-Type: application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'NASHRA_BODY_TOO_LARGE', detail: 'The body is larger than the 4 MiB limit.' },
  FST_ERR_BAD_URL: { code: 'NASHRA_MALFORMED_REQUEST', detail: 'The path is not valid (broken percent-encoding).' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'NASHRA_URI_TOO_LONG', detail: 'A path segment is longer than any id Nashra uses.' }
}

// Any other error a framework part or plugin raises: by status, with the kind's own wording.
const BY_STATUS: Record<number, ProblemCode> = {
  400: 'NASHRA_MALFORMED_REQUEST',
  404: 'NASHRA_ROUTE_NOT_FOUND',
  405: 'NASHRA_METHOD_NOT_ALLOWED',
  408: 'NASHRA_REQUEST_TIMEOUT',
  413: 'NASHRA_BODY_TOO_LARGE',
  414: 'NASHRA_URI_TOO_LONG',
  415: 'NASHRA_UNSUPPORTED_MEDIA_TYPE',
  429: 'NASHRA_RATE_LIMITED',
  431: 'NASHRA_HEADERS_TOO_LARGE',
  503: 'NASHRA_OVERLOADED'
}

const INTERNAL_DETAIL = 'The request could not be completed; it has been logged.'

/** The problem for any error that reached the handler, and the headers that go with it. */
export function toProblem (thrown: unknown, instance: string): { problem: ProblemBody; headers: Record<string, string> } {
  const err = domainHttpError(thrown) ?? thrown
  if (err instanceof HttpError) {
    return {
      problem: {
        type: problemType(err.code),
        title: err.title,
        status: err.statusCode,
        detail: err.message,
        instance,
        code: err.code,
        ...(err.invalidParams === undefined ? {} : { 'invalid-params': err.invalidParams }),
        ...err.extensions
      },
      headers: err.headers
    }
  }
  if (err instanceof StorageUnavailableError) {
    const detail = `${err.message.replace(/^storage unavailable: t/, 'T')}; nothing was stored. Try again in ${err.retryAfterSeconds} s.`
    return { problem: problemFor('NASHRA_STORAGE_UNAVAILABLE', detail, instance), headers: { 'retry-after': String(err.retryAfterSeconds) } }
  }
  const e = err as Partial<FastifyError> & { validation?: Parameters<typeof describeValidation>[1]; validationContext?: string }
  if (e.validation !== undefined) {
    const params = describeValidation(e.validationContext ?? 'body', e.validation)
    const detail = params.map((p) => `${p.name} ${p.reason}`).join('; ')
    return { problem: problemFor('NASHRA_INVALID_REQUEST', detail, instance, { invalidParams: params }), headers: {} }
  }
  const known = typeof e.code === 'string' ? FRAMEWORK_ERRORS[e.code] : undefined
  if (known !== undefined) {
    return { problem: problemFor(known.code, known.detail, instance, { invalidParams: known.invalidParams }), headers: {} }
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  const code = BY_STATUS[status]
  if (code !== undefined) return { problem: problemFor(code, PROBLEM_KINDS[code].meaning.replaceAll('`', ''), instance), headers: {} }
  if (status >= 400 && status < 500) {
    return { problem: { ...problemFor('NASHRA_MALFORMED_REQUEST', PROBLEM_KINDS.NASHRA_MALFORMED_REQUEST.meaning.replaceAll('`', ''), instance), status }, headers: {} }
  }
  return { problem: problemFor('NASHRA_INTERNAL', INTERNAL_DETAIL, instance), headers: {} }
}

/** Sends a problem with its content type and headers (401 adds the Bearer challenge). */
export function sendProblem (reply: FastifyReply, problem: ProblemBody, headers: Record<string, string> = {}): FastifyReply {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="nashra"')
  for (const [name, value] of Object.entries(headers)) reply.header(name, value)
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem)
}

/** How many Host headers a request carried (RFC 9112 §3.2: exactly one, else 400). */
function hostHeaders (request: FastifyRequest): number {
  const raw = request.raw.rawHeaders
  let count = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'host') count++
  return count
}

/** Fastify's `frameworkErrors` option: URLs the router cannot decode, answered like every other error. */
export function frameworkErrorHandler (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { problem, headers } = toProblem(err, request.url)
  sendProblem(reply, problem, headers)
}

export function installProblemHandlers (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const { problem, headers } = toProblem(err, request.url)
    // Storage outages are logged once per episode where they are detected, not per request.
    if (problem.status >= 500 && !(err instanceof StorageUnavailableError) && problem.code === 'NASHRA_INTERNAL') {
      request.log.error({ err }, 'request failed')
    }
    return sendProblem(reply, problem, headers)
  })
  app.setNotFoundHandler((request, reply) => {
    const detail = `No route ${request.method} ${request.url.split('?')[0]}; the API table in the README lists the routes.`
    return sendProblem(reply, problemFor('NASHRA_ROUTE_NOT_FOUND', detail, request.url))
  })
  // Bodies are JSON only: without this, Fastify's text/plain parser hands a string to the
  // schema, and a client that forgot Content-Type gets "must be object" instead of a 415.
  app.removeContentTypeParser('text/plain')
  // Node's own missing-Host check answers a bare 400 (the server is built with it off); both
  // cases are answered here instead, as problems.
  app.addHook('onRequest', async (request) => {
    const hosts = hostHeaders(request)
    if (hosts > 1 || (hosts === 0 && request.raw.httpVersion === '1.1')) {
      throw new HttpError(400, 'NASHRA_MALFORMED_REQUEST', PROBLEM_KINDS.NASHRA_MALFORMED_REQUEST.title,
        hosts > 1 ? 'The request has more than one Host header.' : 'An HTTP/1.1 request needs a Host header.')
    }
  })
}
