// The domain's errors (src/errors.ts, and DocumentTooDeepError beside the serializer that detects
// it) as the API answers them: each becomes the coded HttpError of its problem kind, with the
// field it names as `invalid-params` and what it reports as extension members. The domain says
// what went wrong; which status and problem type that is gets decided here, once.
import { ConflictError, type ConflictKind, InvalidInputError, NotFoundError, UnsupportedSourceError } from '../errors.ts'
import { DocumentTooDeepError } from '../formats/xml.ts'
import { badRequest, HttpError, notFound } from './errors.ts'
import { PROBLEM_KINDS, type ProblemCode } from './problem-types.ts'

const CONFLICTS: Record<ConflictKind, ProblemCode> = {
  'story-killed': 'NASHRA_STORY_KILLED',
  'not-failed': 'NASHRA_NOT_FAILED',
  'pull-delivery': 'NASHRA_PULL_DELIVERY',
  'delivery-canceled': 'NASHRA_DELIVERY_CANCELED',
  'last-admin-key': 'NASHRA_LAST_ADMIN_KEY'
}

function coded (code: ProblemCode, detail: string, options: ConstructorParameters<typeof HttpError>[4] = {}): HttpError {
  const kind = PROBLEM_KINDS[code]
  return new HttpError(kind.status, code, kind.title, detail, options)
}

/** The HttpError a domain error is answered as; undefined for anything else. */
export function domainHttpError (err: unknown): HttpError | undefined {
  if (err instanceof NotFoundError) return notFound(err.what, err.message, err.existing)
  if (err instanceof UnsupportedSourceError) {
    return coded('NASHRA_UNSUPPORTED_SOURCE', err.message, { invalidParams: [{ name: err.field, reason: err.reason }] })
  }
  if (err instanceof InvalidInputError) return badRequest(err.field, err.reason)
  if (err instanceof ConflictError) return coded(CONFLICTS[err.kind], err.message, { extensions: err.facts })
  if (err instanceof DocumentTooDeepError) return coded('NASHRA_UNRENDERABLE', err.message, { extensions: { limit: err.limit } })
  return undefined
}
