// Field shapes several resources share, each with its rule stated once: the pattern and, for
// error messages, what it means in words (`expected`, read by src/http/validation.ts).
import { Type } from 'typebox'
import { DATE_TIME_EXPECTED } from '../src/http/date-time.ts'

/** A BCP 47 language tag as Nashra takes it: lower-case primary subtag, optional subtags. */
export const LANGUAGE_TAG = {
  pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
  expected: 'a language tag such as "ar", "en" or "pt-BR" (lower-case language, then optional subtags)'
}

export const LanguageTag = (options: { description?: string; default?: string } = {}) => Type.String({ ...LANGUAGE_TAG, ...options })

/** One line of text: no newline, carriage return or tab. */
export const ONE_LINE = { pattern: '^[^\\n\\r\\t]+$', expected: 'one line of text, without newlines or tabs' }

/** A strict RFC 3339 date-time (src/http/date-time.ts), normalised to UTC where it is used. */
export const DateTime = (description: string) => Type.String({ format: 'date-time', maxLength: 64, description: `${description} Format: ${DATE_TIME_EXPECTED}.` })

/** Sequence numbers and other counters: finite, and within what both databases store. */
export const SEQUENCE_MAX = Number.MAX_SAFE_INTEGER
