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

// What each UTF-16 unit is, learnt from the regexes the first time it is met and looked up after:
// 0 not yet seen, 1 not a letter, 2 a letter of Arabic script, 3 a letter of another script.
// A story uses a few dozen distinct characters, so the scan is a table read per character; the
// regexes over the whole text it replaced cost 90 µs a post.
const NOT_SEEN = 0
const ARABIC_LETTER = 2
const OTHER_LETTER = 3
const kinds = new Uint8Array(0x10000)
const LETTER = /\p{L}/u
const ARABIC = /\p{Script=Arabic}/u
const kindOf = (ch: string): number => (!LETTER.test(ch) ? 1 : ARABIC.test(ch) ? ARABIC_LETTER : OTHER_LETTER)

/** Adds the letters of text (code points, not UTF-16 units) to tally: all of them, and those of Arabic script. */
function tallyLetters (text: string, tally: { letters: number; arabic: number }): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    let kind: number
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      // Outside the BMP (a surrogate pair): rare in news, asked of the regexes directly.
      const cp = text.codePointAt(i)!
      if (cp > 0xffff) i++
      kind = kindOf(String.fromCodePoint(cp))
    } else {
      kind = kinds[unit]!
      if (kind === NOT_SEEN) kind = kinds[unit] = kindOf(String.fromCharCode(unit))
    }
    if (kind === ARABIC_LETTER) {
      tally.letters++
      tally.arabic++
    } else if (kind === OTHER_LETTER) tally.letters++
  }
}

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
  const texts = [content.headline, ...content.paragraphs.map(inlinePlainText)]
  // One table-driven pass answers the usual case, mostly Arabic; the census by script below,
  // far slower, only runs to explain a refusal.
  const tally = { letters: 0, arabic: 0 }
  for (const text of texts) tallyLetters(text, tally)
  if (tally.letters > 0 && tally.arabic / tally.letters >= MIN_ARABIC_SHARE) return
  const { letters, byScript } = countScripts(texts.join('\n'))
  if (letters === 0) throw new UnsupportedSourceError('/body/body', 'has no letters to translate, only digits, punctuation or symbols')
  const arabic = byScript.find((s) => s.script === 'Arabic')?.letters ?? 0
  if (arabic / letters >= MIN_ARABIC_SHARE) return
  const top = byScript[0]!
  const found = top.script === 'other' ? 'mostly letters of another script' : `mostly ${top.script} script`
  throw new UnsupportedSourceError('/body/body',
    `is not mainly Arabic script: found ${found} (${percent(top.letters, letters)}% of letters, Arabic ${percent(arabic, letters)}%). ` +
    'If the story is in another language, say which in "language".')
}
