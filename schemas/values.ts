// Values the schemas and the domain share, in a module that does not load typebox: the CPU worker
// thread (src/pipeline/cpu-worker-thread.ts) normalises stories and checks glossary languages
// with them, and typebox loaded into that isolate costs ~19 MB resident for nothing it uses there
// (docs/PERFORMANCE.md "Memory"; test/pipeline/cpu-worker-imports.test.ts keeps it out). common.ts and
// glossary.ts re-export them beside the schemas built from them.

/** Stories arrive from Arabic newsrooms: the language of a story, or a glossary term, when none is given. */
export const SOURCE_LANGUAGE_DEFAULT = 'ar'

/** A BCP 47 language tag as Nashra takes it, unanchored: lower-case primary subtag, optional subtags. */
const LANGUAGE_TAG_SOURCE = '[a-z]{2,3}(-[A-Za-z0-9]{2,8})*'

/** A BCP 47 language tag as Nashra takes it: lower-case primary subtag, optional subtags. */
export const LANGUAGE_TAG = {
  pattern: `^${LANGUAGE_TAG_SOURCE}$`,
  expected: 'a language tag such as "ar", "en" or "pt-BR" (lower-case language, then optional subtags)'
}

/** The same rule for code that checks a tag outside a request schema. */
export const LANGUAGE_TAG_PATTERN = new RegExp(LANGUAGE_TAG.pattern)

/** "<language tag>:<rest>", e.g. a per-language setting "en:terms-en"; groups `lang` and `rest`. */
export const LANGUAGE_PREFIXED = new RegExp(`^(?<lang>${LANGUAGE_TAG_SOURCE}):(?<rest>.+)$`)

/** What a glossary entry is when the request leaves a field out (ajv fills them in; src/translation/glossary.ts for other callers). */
export const GLOSSARY_DEFAULTS = { sourceLanguage: SOURCE_LANGUAGE_DEFAULT, doNotTranslate: false } as const
