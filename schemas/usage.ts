// Requests and responses of /v1/usage: translation cost per day and language.
import { type Static, Type } from 'typebox'

export const UsageQuery = Type.Object({
  since: Type.Optional(Type.String({ format: 'date', description: 'First UTC day (YYYY-MM-DD), inclusive; 29 days before until when absent.' })),
  until: Type.Optional(Type.String({ format: 'date', description: 'Last UTC day (YYYY-MM-DD), inclusive; today when absent.' }))
}, { additionalProperties: false })
export type UsageQuery = Static<typeof UsageQuery>

const counts = {
  charsSent: Type.Integer({ description: 'Characters sent to the engine (what Google bills).' }),
  charsReused: Type.Integer({ description: 'Characters the translation memory supplied instead.' }),
  requests: Type.Integer({ description: 'Engine requests.' }),
  estimatedCost: Type.Number({ description: 'charsSent at TRANSLATION_PRICE_PER_MILLION_CHARS, in US dollars.' })
}

export const UsageReport = Type.Object({
  since: Type.String(),
  until: Type.String(),
  currency: Type.Literal('USD'),
  pricePerMillionChars: Type.Number(),
  days: Type.Array(Type.Object({ day: Type.String(), lang: Type.String(), ...counts }), { description: 'One row per day and language with any use.' }),
  byLanguage: Type.Record(Type.String(), Type.Object(counts)),
  total: Type.Object(counts)
})
export type UsageReport = Static<typeof UsageReport>
