// The normalisation behind translation-memory keys and glossary matching. Two texts a reader
// cannot tell apart must hit the same memory entry: Arabic presentation forms (ﻻ, ﺑ) fold to
// their letters under NFKC, tatweel (ـ) only stretches a word, and direction marks are
// invisible. Only the key is normalised; the engine always receives the original text.
import { createHash } from 'node:crypto'

// Tatweel, and the invisible marks that only steer direction: ALM, LRM, RLM, the embeddings and
// overrides (U+202A–E), the isolates (U+2066–9) and a stray BOM. ZWJ/ZWNJ stay: they change
// how Persian and Urdu words are written.
const IGNORED = /[\u0640\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu
const IGNORED_ONE = /^[\u0640\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]$/u

/** NFKC, tatweel and direction marks removed, whitespace collapsed to single spaces, trimmed. */
export function normalizeForKey (text: string): string {
  return text.normalize('NFKC').replace(IGNORED, '').replace(/\s+/gu, ' ').trim()
}

/** sha256 (hex) of the normalised text: the `sourceHash` of a memory key. */
export function sourceHash (text: string): string {
  return createHash('sha256').update(normalizeForKey(text)).digest('hex')
}

export interface MappedText {
  /** The text normalised codepoint by codepoint (NFKC each, marks dropped, whitespace collapsed). */
  text: string
  /** For each UTF-16 unit of `text`, where the codepoint it came from starts in the original. */
  starts: number[]
  /** For each UTF-16 unit of `text`, where that original codepoint ends. */
  ends: number[]
}

/**
 * Normalises like normalizeForKey but keeps, for every character of the result, the span of the
 * original it came from, so a glossary term found in the normalised text can be replaced in the
 * original. Per codepoint rather than whole-string NFKC: close enough for matching (both sides
 * go through this same function), and the mapping stays exact.
 */
export function normalizeWithMap (original: string): MappedText {
  let text = ''
  const starts: number[] = []
  const ends: number[] = []
  let index = 0
  let pendingSpace = -1
  for (const ch of original) {
    const start = index
    index += ch.length
    if (IGNORED_ONE.test(ch)) continue
    if (/\s/u.test(ch)) {
      if (pendingSpace < 0) pendingSpace = start
      continue
    }
    if (pendingSpace >= 0 && text !== '') {
      text += ' '
      starts.push(pendingSpace)
      ends.push(start)
    }
    pendingSpace = -1
    const folded = ch.normalize('NFKC')
    for (let i = 0; i < folded.length; i++) {
      starts.push(start)
      ends.push(index)
    }
    text += folded
  }
  return { text, starts, ends }
}
