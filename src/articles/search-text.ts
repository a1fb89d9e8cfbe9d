// The one normaliser behind headline search: the same function turns a stored headline into its
// search terms at ingest and a query into the terms it looks for, so both sides always agree.
// Arabic readers do not see a difference between "الرئيسُ" and "الرئيس", or "أحمد" and "احمد":
// tashkeel (harakat, tanwin, shadda, sukun, Quranic marks) and tatweel are dropped, the alef
// forms أ إ آ ٱ fold to ا, alef maqsura ى to ي and taa marbuta ة to ه. Latin text is lower-cased.
import { normalizeForKey } from '../translation/memory-key.ts'

// Harakat and tanwin (U+064B–U+065F), the superscript alef (U+0670) and Quranic annotation marks.
const TASHKEEL = /[\u064B-\u065F\u0670\u06D6-\u06ED]/gu
const FOLDS: Record<string, string> = { أ: 'ا', إ: 'ا', آ: 'ا', ٱ: 'ا', ى: 'ي', ة: 'ه', ی: 'ي', ک: 'ك' }
const FOLDABLE = /[أإآٱىةیک]/gu
// The definite article with the conjunctions and prepositions written onto it: "والرئيس" is
// "and the president". A search for "رئيس" or "الرئيس" finds it.
const ARTICLE = /^(?:[وف]?[بكل]?ال|[وف]?لل)(?=\p{L}{2})/u
// A lone conjunction on a word of three letters or more: "وقال" is "and he said".
const CONJUNCTION = /^[وف](?=\p{L}{3})/u

/** The text as search compares it: see the module comment. */
export function normalizeSearchText (text: string): string {
  return normalizeForKey(text).replace(TASHKEEL, '').replace(FOLDABLE, (c) => FOLDS[c] ?? c).toLowerCase()
}

/** Words of the normalised text, in order (letters and digits; everything else separates). */
function words (text: string): string[] {
  return normalizeSearchText(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
}

/** What a stored headline is found by: each word, and each word without its article or conjunction. */
export function searchTerms (headline: string): string[] {
  const terms = new Set<string>()
  for (const word of words(headline)) {
    terms.add(word)
    terms.add(word.replace(ARTICLE, ''))
    terms.add(word.replace(CONJUNCTION, ''))
  }
  return [...terms].map((t) => t.slice(0, 64)).filter((t) => t !== '')
}

/**
 * The terms a query looks for; a story matches when every term is the start of one of its
 * stored terms. The article is dropped from a query word, so "الرئيس" and "والرئيس" find both.
 */
export function queryTerms (query: string): string[] {
  return [...new Set(words(query).map((w) => w.replace(ARTICLE, '').slice(0, 64)))]
}
