// Coded errors the domain and routes throw; the one error handler turns them into RFC 9457
// problem+json. Each has a statusCode, a stable code (listed in problem-types.ts, which also
// derives its `type` URI), and names the field when one is at fault.

export interface InvalidParam {
  name: string
  reason: string
}

export class HttpError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly title: string
  readonly invalidParams: InvalidParam[] | undefined
  readonly extensions: Record<string, unknown>
  /** Response headers that belong to the problem, e.g. Retry-After. */
  readonly headers: Record<string, string>

  constructor (statusCode: number, code: string, title: string, detail: string,
    options: { invalidParams?: InvalidParam[]; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(detail)
    this.statusCode = statusCode
    this.code = code
    this.title = title
    this.invalidParams = options.invalidParams
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }
}

export function notFound (what: string, detail: string, extensions?: Record<string, unknown>): HttpError {
  return new HttpError(404, 'NASHRA_NOT_FOUND', `${what} not found`, detail, extensions === undefined ? {} : { extensions })
}

export function badRequest (field: string, reason: string): HttpError {
  return new HttpError(400, 'NASHRA_INVALID_REQUEST', 'Invalid request', `${field}: ${reason}`, {
    invalidParams: [{ name: field, reason }]
  })
}
