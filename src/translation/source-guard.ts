// Refuses, at ingest, a story the pipeline would translate as Arabic although it is not: its
// letters are counted by script, and unless most are Arabic script (presentation forms included)
// it is refused naming what was found. A story whose `language` names another language
// Google translates from is taken in that language instead.
import type { ArticleContent } from '../articles/types.ts'
import { UnsupportedSourceError } from '../errors.ts'
import { inlinePlainText } from './inline-markup.ts'
import { isSupportedLanguage, primarySubtag } from './languages.ts'

/** Share of letters that must be Arabic script for a story sent as Arabic. */
export const MIN_ARABIC_SHARE = 0.5

// \p{Script=Arabic} covers the Arabic blocks, supplements and both presentation-form blocks.
const SCRIPTS: Array<[string, RegExp]> = [
  ['Arabic', /\p{Script=Arabic}/u],
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Han', /\p{Script=Han}/u],
  ['Japanese kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Ethiopic', /\p{Script=Ethiopic}/u],
]

const NOT_LETTERS = /\P{L}+/gu
const ARABIC_RUNS = /\p{Script=Arabic}+/gu
/** Characters, not UTF-16 units: a letter outside the BMP is a surrogate pair. */
const codePoints = (s: string): number => s.length - (s.match(/[\uD800-\uDBFF]/g)?.length ?? 0)

export interface ScriptCount {
  letters: number
  /** Letters per script name, largest first. */
  byScript: Array<{ script: string; letters: number }>
}

export function countScripts (text: string): ScriptCount {
  const counts = new Map<string, number>()
  let letters = 0
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue
    letters++
    const script = SCRIPTS.find(([, pattern]) => pattern.test(ch))?.[0] ?? 'other'
    counts.set(script, (counts.get(script) ?? 0) + 1)
  }
  const byScript = [...counts].map(([script, n]) => ({ script, letters: n })).sort((a, b) => b.letters - a.letters)
  return { letters, byScript }
}

const percent = (part: number, whole: number): number => Math.round((part / whole) * 100)

/** Throws UnsupportedSourceError unless the story is mainly Arabic script, or declares a language Google supports. */
export function assertTranslatableSource (content: ArticleContent): void {
  const language = content.language
  if (primarySubtag(language) !== 'ar') {
    if (!isSupportedLanguage(language)) {
      throw new UnsupportedSourceError('/body/language', `"${language}" is not a language Google Cloud Translation translates from`)
    }
    return
  }
  const text = [content.headline, ...content.paragraphs.map(inlinePlainText)].join('\n')
  // Two native passes over runs (not characters) answer the usual case, mostly Arabic; the
  // letter-by-letter census below, ten times slower, only runs to explain a refusal.
  const letters0 = text.replace(NOT_LETTERS, '')
  const notArabic = codePoints(letters0.replace(ARABIC_RUNS, ''))
  const allLetters = codePoints(letters0)
  if (allLetters > 0 && (allLetters - notArabic) / allLetters >= MIN_ARABIC_SHARE) return
  const { letters, byScript } = countScripts(text)
  if (letters === 0) throw new UnsupportedSourceError('/body/body', 'has no letters to translate, only digits, punctuation or symbols')
  const arabic = byScript.find((s) => s.script === 'Arabic')?.letters ?? 0
  if (arabic / letters >= MIN_ARABIC_SHARE) return
  const top = byScript[0]!
  const found = top.script === 'other' ? 'mostly letters of another script' : `mostly ${top.script} script`
  throw new UnsupportedSourceError('/body/body',
    `is not mainly Arabic script: found ${found} (${percent(top.letters, letters)}% of letters, Arabic ${percent(arabic, letters)}%). ` +
    'If the story is in another language, say which in "language".')
}
