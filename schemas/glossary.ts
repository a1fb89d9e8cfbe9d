// Requests and responses of /v1/glossary: terms the translation must render one way, or not at all.
import { type Static, Type } from 'typebox'

const LanguageTag = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })

export const GlossaryInput = Type.Object({
  term: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\n\\r\\t]+$', description: 'The term as written in source text.' }),
  sourceLanguage: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', default: 'ar', description: 'Language the term is written in.' })),
  doNotTranslate: Type.Optional(Type.Boolean({ default: false, description: 'Keep the term as written in every language.' })),
  translations: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 500 }), {
    description: 'Target language → the term to use there, e.g. {"en": "Collective Security Treaty Organization (CSTO)"}.'
  }))
}, { additionalProperties: false })
export type GlossaryInput = Static<typeof GlossaryInput>

export const GlossaryEntryView = Type.Object({
  id: Type.String(),
  term: Type.String(),
  sourceLanguage: LanguageTag,
  doNotTranslate: Type.Boolean(),
  translations: Type.Record(Type.String(), Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String()
})

export const GlossaryView = Type.Object({
  version: Type.Integer({ description: 'Bumped by every change; segments with a changed term are translated again.' }),
  entries: Type.Array(GlossaryEntryView)
})

export const GlossaryChange = Type.Object({
  version: Type.Integer(),
  entry: GlossaryEntryView
})

export const GlossaryDeleted = Type.Object({
  version: Type.Integer()
})

export const GlossaryParams = Type.Object({
  id: Type.String({ format: 'uuid' })
})
