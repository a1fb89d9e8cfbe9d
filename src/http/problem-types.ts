// Every kind of problem Nashra answers, in one table: its stable `code`, HTTP status, title and
// what a client should do. The `type` URI is derived from the code by one rule (problemType), so
// there is one scheme for every problem; README.md's table of problem types is checked against
// this one by a test. A new code is added here first.

export interface ProblemKind {
  status: number
  title: string
  /** What it means and what to do about it (the README's wording). */
  meaning: string
}

export const PROBLEM_KINDS = {
  NASHRA_INVALID_REQUEST: { status: 400, title: 'Invalid request', meaning: 'A field is missing, unknown, of the wrong type or out of range. `invalid-params` names each one as a JSON Pointer (`/body/urgency`, `/querystring/wait`) with the reason; fix those and send again.' },
  NASHRA_MALFORMED_REQUEST: { status: 400, title: 'Malformed request', meaning: 'The request could not be read: a body that is not valid JSON, a broken request line or header, two `Host` headers. Nothing was stored.' },
  NASHRA_UNAUTHORIZED: { status: 401, title: 'Unauthorized', meaning: 'No API key, or one Nashra does not know (revoked, or its subscriber deleted). Send `Authorization: Bearer <key>`.' },
  NASHRA_FORBIDDEN: { status: 403, title: 'Forbidden', meaning: "The key's role may not do this; the detail names the roles that may." },
  NASHRA_NOT_FOUND: { status: 404, title: 'Not found', meaning: 'The article, version, format, language, subscriber, delivery or glossary entry does not exist. Extension members list what does (`formats`, `languages`, `versions`).' },
  NASHRA_ROUTE_NOT_FOUND: { status: 404, title: 'No such route', meaning: 'No route has this method and path; the API table in the README lists them.' },
  NASHRA_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', meaning: 'Nashra does not serve this method (e.g. `CONNECT`: it is not a proxy).' },
  NASHRA_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout', meaning: 'The request did not arrive in full in time; send it again.' },
  NASHRA_NOT_FAILED: { status: 409, title: 'Nothing to retry', meaning: "The story's latest version has not failed, so there is nothing to put back into translation." },
  NASHRA_PULL_DELIVERY: { status: 409, title: 'Nothing to re-send', meaning: 'The item waits in a pull feed; the partner reads it again with `GET /v1/feed`.' },
  NASHRA_DELIVERY_CANCELED: { status: 409, title: 'Delivery canceled', meaning: 'A kill superseded this delivery; sending it again would republish a withdrawn version.' },
  NASHRA_LAST_ADMIN_KEY: { status: 409, title: 'Last admin key', meaning: 'The key is the only admin key left; create another admin key before revoking this one.' },
  NASHRA_STORY_KILLED: { status: 409, title: 'Story killed', meaning: 'A new version of a story that was killed: a kill is final. Extension members say when (`killedAt`, `killVersion`, `articleId`); publish it again under a new guid.' },
  NASHRA_BODY_TOO_LARGE: { status: 413, title: 'Body too large', meaning: 'The body is over the limit (4 MiB); the detail gives it.' },
  NASHRA_URI_TOO_LONG: { status: 414, title: 'Path too long', meaning: 'A path segment is longer than any id Nashra uses; check the URL.' },
  NASHRA_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', meaning: 'Bodies are `application/json` (UTF-8); send that `Content-Type`.' },
  NASHRA_UNSUPPORTED_SOURCE: { status: 422, title: 'Source text not accepted', meaning: 'The story is not in the language it claims (Arabic unless `language` says otherwise), or in one Google does not translate from.' },
  NASHRA_UNRENDERABLE: { status: 422, title: 'Story cannot be rendered', meaning: 'A rendition would nest elements deeper than XML parsers accept; `limit` gives the depth. Send the story with less deeply nested markup.' },
  NASHRA_RATE_LIMITED: { status: 429, title: 'Too many requests', meaning: 'The key sent more requests than allowed; wait as long as `Retry-After` says.' },
  NASHRA_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large', meaning: 'The request line and headers together are over the limit; send fewer or shorter headers.' },
  NASHRA_INTERNAL: { status: 500, title: 'Internal error', meaning: 'A fault in Nashra; it is logged with the request id. Nothing half-done is kept.' },
  NASHRA_STORAGE_UNAVAILABLE: { status: 503, title: 'Storage unavailable', meaning: 'The database cannot take writes now (disk full, read-only, unreachable). Nothing was stored; send again after `Retry-After` seconds. `/ready` answers 503 meanwhile.' },
  NASHRA_OVERLOADED: { status: 503, title: 'Service overloaded', meaning: 'Nashra is too busy to take the request; send it again after `Retry-After` seconds.' }
} as const satisfies Record<string, ProblemKind>

export type ProblemCode = keyof typeof PROBLEM_KINDS

const TYPE_PREFIX = 'urn:nashra:problem:'

/** The problem's `type` URI: NASHRA_NOT_FOUND → urn:nashra:problem:not-found. */
export function problemType (code: string): string {
  return TYPE_PREFIX + code.replace(/^NASHRA_/, '').toLowerCase().replaceAll('_', '-')
}

export function isProblemCode (code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_KINDS, code)
}
