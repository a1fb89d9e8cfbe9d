// The translation settings beyond where Google is: model, glossary resources and the per-call
// timeout, read from the environment with the rest of the configuration (src/config.ts).
//   GOOGLE_TRANSLATE_MODEL     general/nmt (default) | general/translation-llm | projects/…/models/…
//   GOOGLE_TRANSLATE_GLOSSARY  a glossary id (in GOOGLE_CLOUD_LOCATION) or full resource name used for
//                              every target, or per target: "en:ar-en-terms,fr:ar-fr-terms"
//   GOOGLE_TRANSLATE_TIMEOUT   deadline of one translateText call, e.g. "30s" (default 30s)
import { LANGUAGE_PREFIXED } from '../../schemas/common.ts'
import { valueReaders } from '../config-values.ts'

export interface TranslationOptions {
  model?: string
  /** Target language ('*' for all) → glossary id or full resource name. */
  glossaries?: Record<string, string>
  timeoutMs?: number
}

export const DEFAULT_TRANSLATE_TIMEOUT_MS = 30_000

const MODELS = ['general/nmt', 'general/translation-llm']
const MODEL_RESOURCE = /^projects\/[^/\s]+\/locations\/[^/\s]+\/models\/\S+$/
const GLOSSARY_ID = /^[A-Za-z0-9_-]{1,128}$/
const GLOSSARY_RESOURCE = /^projects\/[^/\s]+\/locations\/([^/\s]+)\/glossaries\/[A-Za-z0-9_-]+$/

export function readTranslationOptions (
  read: (name: string) => string | undefined,
  problems: string[],
  location: string
): TranslationOptions {
  const options: TranslationOptions = {}
  const model = read('GOOGLE_TRANSLATE_MODEL')
  if (model !== undefined) {
    if (MODELS.includes(model) || MODEL_RESOURCE.test(model)) options.model = model
    else problems.push(`GOOGLE_TRANSLATE_MODEL must be ${MODELS.join(' or ')} (or a full projects/…/models/… name), got "${model}"`)
  }

  const glossary = read('GOOGLE_TRANSLATE_GLOSSARY')
  if (glossary !== undefined) {
    const glossaries: Record<string, string> = {}
    const items = glossary.split(',').map((item) => item.trim()).filter((item) => item !== '')
    for (const item of items) {
      const match = LANGUAGE_PREFIXED.exec(item)?.groups
      const [lang, name] = match === undefined ? ['*', item] : [match['lang']!, match['rest']!.trim()]
      const resource = GLOSSARY_RESOURCE.exec(name)
      if (resource === null && !GLOSSARY_ID.test(name)) {
        problems.push(`GOOGLE_TRANSLATE_GLOSSARY must name glossaries as an id or projects/…/locations/…/glossaries/…, optionally per language ("en:terms-en,fr:terms-fr"), got "${item}"`)
      } else if (resource === null && location === 'global') {
        problems.push(`GOOGLE_TRANSLATE_GLOSSARY "${name}": glossaries live in a region, so set GOOGLE_CLOUD_LOCATION (e.g. us-central1)`)
      } else if (resource !== null && resource[1] !== location) {
        problems.push(`GOOGLE_TRANSLATE_GLOSSARY "${name}" is in ${resource[1]}, but requests go to GOOGLE_CLOUD_LOCATION=${location}; Google needs them in the same location`)
      } else {
        glossaries[lang] = name
      }
    }
    if (Object.keys(glossaries).length > 0) options.glossaries = glossaries
  }

  if (read('GOOGLE_TRANSLATE_TIMEOUT') !== undefined) {
    const ms = valueReaders(read, problems).duration('GOOGLE_TRANSLATE_TIMEOUT', '')
    if (ms > 0) options.timeoutMs = ms
  }
  return options
}
