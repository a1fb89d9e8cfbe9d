// Requests and responses of /v1/glossary: terms the translation must render one way, or not at all.
import { type Static, Type } from 'typebox'
import { LanguageTag, ONE_LINE } from './common.ts'
import { GLOSSARY_DEFAULTS } from './values.ts'

export { GLOSSARY_DEFAULTS } from './values.ts'

export const GlossaryInput = Type.Object({
  term: Type.String({ minLength: 1, maxLength: 200, ...ONE_LINE, description: 'The term as written in source text.' }),
  sourceLanguage: Type.Optional(LanguageTag({ default: GLOSSARY_DEFAULTS.sourceLanguage, description: 'Language the term is written in.' })),
  doNotTranslate: Type.Optional(Type.Boolean({ default: GLOSSARY_DEFAULTS.doNotTranslate, description: 'Keep the term as written in every language.' })),
  translations: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 500 }), {
    description: 'Target language → the term to use there, e.g. {"en": "Collective Security Treaty Organization (CSTO)"}.'
  }))
}, { additionalProperties: false })
export type GlossaryInput = Static<typeof GlossaryInput>

export const GlossaryEntryView = Type.Object({
  id: Type.String(),
  term: Type.String(),
  sourceLanguage: LanguageTag(),
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
