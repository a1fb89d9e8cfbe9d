// Field shapes several resources share, each with its rule stated once: the pattern and, for
// error messages, what it means in words (`expected`, read by src/http/validation.ts). The domain
// (src/) takes its types from here and from the resource schemas, so a rule or a list of values
// is written once, where requests are checked against it.
import { type TSchemaOptions, type TUnsafe, Type } from 'typebox'
import { DATE_TIME_EXPECTED } from '../src/http/date-time.ts'
import { LANGUAGE_TAG } from './values.ts'

// Language values live in values.ts, which the CPU worker thread can load without typebox.
export { LANGUAGE_PREFIXED, LANGUAGE_TAG, LANGUAGE_TAG_PATTERN, SOURCE_LANGUAGE_DEFAULT } from './values.ts'

export const LanguageTag = (options: { description?: string; default?: string } = {}) => Type.String({ ...LANGUAGE_TAG, ...options })

/** One line of text: no newline, carriage return or tab. */
export const ONE_LINE = { pattern: '^[^\\n\\r\\t]+$', expected: 'one line of text, without newlines or tabs' }

/** A strict RFC 3339 date-time (src/http/date-time.ts), normalised to UTC where it is used. */
export const DateTime = (description: string) => Type.String({ format: 'date-time', maxLength: 64, description: `${description} Format: ${DATE_TIME_EXPECTED}.` })

/** Sequence numbers and other counters: finite, and within what both databases store. */
export const SEQUENCE_MAX = Number.MAX_SAFE_INTEGER

export const Uuid = (options: { description?: string } = {}) => Type.String({ format: 'uuid', ...options })

/** Path parameters of every route on one resource: /…/:id. */
export const IdParams = Type.Object({ id: Uuid() })

/** The reply of a 204: no body. */
export const NoContent = Type.Null()

/** The body of a route that reads none (src/http/unread-input.ts): nothing, or `{}`. */
export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'No body is read; send none, or {}.' })

/** The query of an API route that reads none (src/http/unread-input.ts). */
export const NoQuery = Type.Object({}, { additionalProperties: false, description: 'No query parameters are read.' })

/**
 * One of a list of strings, as JSON Schema (anyOf of consts, what Type.Union of literals writes),
 * typed as the union of the list: the `as const` list is the one place the values are written.
 */
export function LiteralUnion<const T extends readonly string[]> (values: T, options: TSchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Union(values.map((value) => Type.Literal(value)), options) as never
}

/**
 * A request part as its handler sees it after validation: ajv (useDefaults) has filled in the
 * fields whose schema declares a default, so they are present even though clients may omit them.
 */
export type WithDefaults<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> }
