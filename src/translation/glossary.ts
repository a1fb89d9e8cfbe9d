// Glossary and do-not-translate terms: the admin API's validation, and finding the terms in source
// text whichever engine runs. Matching is done on normalised text (the memory key's
// normalisation, so a term written with tatweel or presentation forms still matches) and mapped
// back to the original, where the term is replaced. Entries are stored under their normalised
// term, so "منظمة  معاهدة" and "منظمـة معاهدة" are one entry.
import { createHash } from 'node:crypto'
import type { GlossaryInput } from '../../schemas/glossary.ts'
import { GLOSSARY_DEFAULTS, LANGUAGE_TAG_PATTERN } from '../../schemas/values.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import type { GlossaryEntry, GlossarySnapshot, Storage } from '../storage/types.ts'
import { engineLanguageCode, isSupportedLanguage, primarySubtag } from './languages.ts'
import { normalizeForKey, normalizeWithMap } from './memory-key.ts'

interface PreparedTerm {
  entry: GlossaryEntry
  /** The term normalised like the text it is looked for in. */
  normalized: string
  arabic: boolean
}

/** The entries that apply to one source language, ready for matching. */
export interface PreparedGlossary {
  version: number
  terms: PreparedTerm[]
}

export interface TermMatch {
  /** UTF-16 span in the original text. */
  start: number
  end: number
  /** What the output must say: the entry's term for this language, or the original for do-not-translate. */
  target: string
  doNotTranslate: boolean
  /** Identifies the entry and its rendering, for the memory key's glossary fingerprint. */
  key: string
}

const ARABIC_LETTER = /^[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]/u
const LETTER = /[\p{L}\p{M}]/u
// Arabic writes conjunctions, prepositions and the article onto the next word: "ولمنظمة" is
// "and for" + "organisation". Such a prefix before a term is still a match; any other letters are not.
const PROCLITIC = /^(?:[وف]?[بلك]?|[وف]?[بلك]?ال|[وف]?لل)$/u

export const EMPTY_GLOSSARY: PreparedGlossary = { version: 0, terms: [] }

export function prepareGlossary (snapshot: GlossarySnapshot, sourceLanguage: string): PreparedGlossary {
  const source = primarySubtag(sourceLanguage)
  const terms = snapshot.entries
    .filter((entry) => primarySubtag(entry.sourceLanguage) === source)
    .map((entry) => {
      const normalized = normalizeWithMap(entry.term).text
      return { entry, normalized, arabic: ARABIC_LETTER.test(normalized) }
    })
    .filter((t) => t.normalized !== '')
  return { version: snapshot.version, terms }
}

/** The entry's rendering in a target language ("en-GB" falls back to "en"), if it has one. */
export function termFor (entry: GlossaryEntry, targetLanguage: string): string | undefined {
  const lower = Object.fromEntries(Object.entries(entry.translations).map(([k, v]) => [k.toLowerCase(), v]))
  return lower[targetLanguage.toLowerCase()] ??
    lower[engineLanguageCode(targetLanguage)?.toLowerCase() ?? ''] ??
    lower[primarySubtag(targetLanguage)]
}

function boundaryOk (text: string, start: number, end: number, arabic: boolean): boolean {
  if (end < text.length && LETTER.test(text[end]!)) return false
  // No proclitic is longer than four letters: walking further back (a term repeated inside one
  // long word) would make matching quadratic in the word's length, and could not match anyway.
  let wordStart = start
  while (wordStart > 0 && start - wordStart <= 4 && LETTER.test(text[wordStart - 1]!)) wordStart--
  if (wordStart === start) return true
  return arabic && PROCLITIC.test(text.slice(wordStart, start))
}

/** Non-overlapping matches in text order; a longer term wins over one it contains. */
export function findTerms (text: string, glossary: PreparedGlossary, targetLanguage: string): TermMatch[] {
  if (glossary.terms.length === 0 || text === '') return []
  const mapped = normalizeWithMap(text)
  const found: Array<{ from: number; to: number; term: PreparedTerm; target: string | undefined }> = []
  for (const term of glossary.terms) {
    const target = term.entry.doNotTranslate ? undefined : termFor(term.entry, targetLanguage)
    if (!term.entry.doNotTranslate && target === undefined) continue
    for (let at = mapped.text.indexOf(term.normalized); at >= 0; at = mapped.text.indexOf(term.normalized, at + 1)) {
      const to = at + term.normalized.length
      if (boundaryOk(mapped.text, at, to, term.arabic)) found.push({ from: at, to, term, target })
    }
  }
  found.sort((a, b) => a.from - b.from || (b.to - b.from) - (a.to - a.from))
  const matches: TermMatch[] = []
  let taken = 0
  for (const f of found) {
    if (f.from < taken) continue
    taken = f.to
    const start = mapped.starts[f.from]!
    const end = mapped.ends[f.to - 1]!
    const original = text.slice(start, end)
    matches.push({
      start,
      end,
      target: f.target ?? original,
      doNotTranslate: f.term.entry.doNotTranslate,
      key: f.term.entry.doNotTranslate ? `${f.term.normalized}\u0000=` : `${f.term.normalized}\u0000${f.target}`,
    })
  }
  return matches
}

/**
 * The glossary version as it applies to one segment in one language: a fingerprint of the entries
 * that matched it. A change to any other entry leaves it, and so the segment's memory hit, alone.
 */
export function glossaryFingerprint (matches: TermMatch[]): string {
  if (matches.length === 0) return ''
  const keys = [...new Set(matches.map((m) => m.key))].sort()
  return `g1:${createHash('sha256').update(JSON.stringify(keys)).digest('hex').slice(0, 32)}`
}

/** A request comes with the schema's defaults filled in; other callers (tests) may leave them out. */
export async function putGlossaryEntry (storage: Storage, request: GlossaryInput, now: Date):
Promise<{ entry: GlossaryEntry; created: boolean; version: number }> {
  const term = request.term.trim().replace(/\s+/gu, ' ')
  const termKey = normalizeForKey(term)
  if (!/\p{L}/u.test(termKey)) throw new InvalidInputError('/body/term', 'has no letters')
  const sourceLanguage = request.sourceLanguage ?? GLOSSARY_DEFAULTS.sourceLanguage
  if (!isSupportedLanguage(sourceLanguage)) {
    throw new InvalidInputError('/body/sourceLanguage', `"${sourceLanguage}" is not a language Google Cloud Translation supports`)
  }
  const doNotTranslate = request.doNotTranslate ?? GLOSSARY_DEFAULTS.doNotTranslate
  const translations: Record<string, string> = {}
  for (const [lang, value] of Object.entries(request.translations ?? {})) {
    if (!LANGUAGE_TAG_PATTERN.test(lang) || !isSupportedLanguage(lang)) {
      throw new InvalidInputError(`/body/translations/${lang}`, `"${lang}" is not a language Google Cloud Translation supports`)
    }
    const text = value.trim().replace(/\s+/gu, ' ')
    if (text === '') throw new InvalidInputError(`/body/translations/${lang}`, 'is empty once whitespace is removed')
    translations[lang] = text
  }
  const count = Object.keys(translations).length
  if (doNotTranslate && count > 0) {
    throw new InvalidInputError('/body/translations', 'must be left out for a do-not-translate term, which stays as written in every language')
  }
  if (!doNotTranslate && count === 0) {
    throw new InvalidInputError('/body/translations', 'needs the term in at least one language (or set doNotTranslate: true)')
  }
  return storage.putGlossaryEntry({ term, termKey, sourceLanguage, doNotTranslate, translations }, now.toISOString())
}

/** DELETE /v1/glossary/:id: the entry removed, and the glossary version after it. */
export async function deleteGlossaryEntry (storage: Storage, id: string) {
  const deleted = await storage.deleteGlossaryEntry(id)
  if (deleted === null) throw new NotFoundError('Glossary entry', `No glossary entry has the id ${id}.`)
  return deleted
}
