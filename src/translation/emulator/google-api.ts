// What the emulator answers, separated from the HTTP plumbing so the rules of Google's v3 REST
// API (field names, defaults, error shape) are in one readable place. Field names are camelCase
// on purpose: the Google client silently drops snake_case fields in replies (see facts.md).
import { detectLanguage, pseudoTranslate } from '../pseudo.ts'
import type { MimeType } from '../types.ts'

export interface ApiReply {
  status: number
  body: unknown
}

// google.rpc.Code names as Google puts them in `error.status`, by HTTP status.
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

export interface ErrorOptions {
  /** Becomes a google.rpc.RetryInfo detail, which the client exposes as statusDetails. */
  retryDelaySeconds?: number | undefined
}

/** Google's JSON error envelope: `{ error: { code, message, status, details? } }`. */
export function googleError (status: number, message: string, options: ErrorOptions = {}): ApiReply {
  const error: Record<string, unknown> = {
    code: status,
    message,
    status: STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN'),
  }
  if (options.retryDelaySeconds !== undefined) {
    error['details'] = [{
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${options.retryDelaySeconds}s`,
    }]
  }
  return { status, body: { error } }
}

export function defaultModel (parent: string): string {
  return `${parent}/models/general/nmt`
}

// A blank mimeType means text/html to Google (documented), which is why callers should always
// send it explicitly; anything else is rejected.
function readMimeType (value: unknown): MimeType | undefined {
  if (value === undefined || value === '') return 'text/html'
  if (value === 'text/plain' || value === 'text/html') return value
  return undefined
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString (value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string'
}

/** Google's documented limits per translateText request (Advanced answers 400 beyond them). */
export const MAX_CONTENTS = 1024
export const MAX_CODEPOINTS = 30_000

/** A unidirectional glossary resource, as the emulator knows it. */
export interface EmulatorGlossary {
  sourceLanguage: string
  targetLanguage: string
  /** Source term → target term. */
  terms: Record<string, string>
}

const RTL = /^(?:ar|fa|he|iw|ur|ps|sd|ug|yi|dv|ckb)(?:-|$)/i

/** `POST /v3/{parent}:translateText` */
export function translateText (parent: string, body: unknown, glossaries: ReadonlyMap<string, EmulatorGlossary> = new Map()): ApiReply {
  if (!isObject(body)) return googleError(400, 'Invalid JSON payload received: expected an object.')
  const { contents, targetLanguageCode, sourceLanguageCode, model } = body
  if (!Array.isArray(contents) || contents.length === 0) {
    return googleError(400, 'Field "contents" is required and must be a non-empty array of strings.')
  }
  if (!contents.every((c) => typeof c === 'string')) {
    return googleError(400, 'Invalid value at "contents": every entry must be a string.')
  }
  if (contents.length > MAX_CONTENTS) {
    return googleError(400, `Too many text segments: ${contents.length}; a request takes at most ${MAX_CONTENTS}.`)
  }
  const codepoints = contents.reduce((n: number, c: string) => n + [...c].length, 0)
  if (codepoints > MAX_CODEPOINTS) {
    return googleError(400, `Text too long: ${codepoints} codepoints; a request takes at most ${MAX_CODEPOINTS}.`)
  }
  if (typeof targetLanguageCode !== 'string' || targetLanguageCode === '') {
    return googleError(400, 'Target language is required: set "targetLanguageCode".')
  }
  if (!optionalString(sourceLanguageCode) || !optionalString(model)) {
    return googleError(400, 'Invalid value: "sourceLanguageCode" and "model" must be strings.')
  }
  const mimeType = readMimeType(body['mimeType'])
  if (mimeType === undefined) {
    return googleError(400, `Unsupported mime type "${String(body['mimeType'])}": use text/plain or text/html.`)
  }
  const usedModel = model === undefined || model === '' ? defaultModel(parent) : model
  if (usedModel.endsWith('/models/general/translation-llm') && mimeType !== 'text/plain') {
    return googleError(400, 'The Translation LLM model supports text/plain only.')
  }
  const source = sourceLanguageCode === undefined || sourceLanguageCode === '' ? undefined : sourceLanguageCode
  const glossary = readGlossary(parent, body['glossaryConfig'], glossaries, source, targetLanguageCode)
  if (glossary !== undefined && 'status' in glossary) return glossary
  const directionStyle = mimeType === 'text/html' && source !== undefined && RTL.test(source) && !RTL.test(targetLanguageCode)
  const reply = (terms: Array<[string, string]>): Array<Record<string, string>> => contents.map((text: string) => {
    const translation: Record<string, string> = {
      translatedText: pseudoTranslate(text, mimeType, targetLanguageCode, { glossary: terms, directionStyle }),
      model: usedModel,
    }
    // Google fills detectedLanguageCode only when it had to detect, i.e. no source was given.
    if (source === undefined) translation['detectedLanguageCode'] = detectLanguage(text)
    return translation
  })
  const translations = reply([])
  if (glossary === undefined) return { status: 200, body: { translations } }
  return { status: 200, body: { translations, glossaryTranslations: reply(Object.entries(glossary.terms)) } }
}

function readGlossary (
  parent: string,
  config: unknown,
  glossaries: ReadonlyMap<string, EmulatorGlossary>,
  source: string | undefined,
  target: string
): EmulatorGlossary | ApiReply | undefined {
  if (config === undefined || config === null) return undefined
  const name = isObject(config) ? config['glossary'] : undefined
  if (typeof name !== 'string' || name === '') return googleError(400, 'Invalid value at "glossaryConfig.glossary": a glossary name is required.')
  const location = /^projects\/[^/]+\/locations\/([^/]+)\/glossaries\/[^/]+$/.exec(name)?.[1]
  if (location === undefined) return googleError(400, `Invalid glossary name "${name}".`)
  if (!parent.endsWith(`/locations/${location}`)) {
    return googleError(400, `Glossary ${name} is in location ${location}; the request must be made there, not in ${parent}.`)
  }
  const glossary = glossaries.get(name)
  if (glossary === undefined) return googleError(404, `Glossary not found: ${name}.`)
  if (glossary.sourceLanguage !== source || glossary.targetLanguage !== target) {
    return googleError(400, `Glossary ${name} is for ${glossary.sourceLanguage}→${glossary.targetLanguage}, not ${source ?? '(detected)'}→${target}.`)
  }
  return glossary
}

/** `POST /v3/{parent}:detectLanguage` */
export function detectLanguageReply (body: unknown): ApiReply {
  if (!isObject(body)) return googleError(400, 'Invalid JSON payload received: expected an object.')
  const { content } = body
  if (typeof content !== 'string' || content === '') {
    return googleError(400, 'Field "content" is required and must be a non-empty string.')
  }
  if (readMimeType(body['mimeType']) === undefined) {
    return googleError(400, `Unsupported mime type "${String(body['mimeType'])}": use text/plain or text/html.`)
  }
  return { status: 200, body: { languages: [{ languageCode: detectLanguage(content), confidence: 1 }] } }
}
