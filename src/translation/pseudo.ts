// The pseudo-translation shared by the emulator and the fake engine (fake-engine.ts), so both
// produce byte-identical output. It is deliberately not a translation: a marker tells any human
// reading it so, while numbers, punctuation and markup survive, which is what the pipeline after
// translation (formats, webhooks) actually depends on.
import type { MimeType } from './types.ts'

// A plain per-letter transliteration: readable enough to eyeball that the right text went through,
// but obviously machine-made. Capitals mark the emphatic letters so they stay distinguishable.
const LETTERS: Record<string, string> = {
  ء: "'",
  آ: 'aa',
  أ: 'a',
  ؤ: "'u",
  إ: 'i',
  ئ: "'i",
  ا: 'a',
  ب: 'b',
  ة: 'h',
  ت: 't',
  ث: 'th',
  ج: 'j',
  ح: 'H',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  س: 's',
  ش: 'sh',
  ص: 'S',
  ض: 'D',
  ط: 'T',
  ظ: 'Z',
  ع: '`',
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ك: 'k',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  و: 'w',
  ى: 'a',
  ي: 'y',
  پ: 'p',
  چ: 'ch',
  ژ: 'zh',
  ڤ: 'v',
  گ: 'g',
  ک: 'k',
  ی: 'y',
  // Punctuation and number separators have direct Latin counterparts.
  '،': ',',
  '؛': ';',
  '؟': '?',
  '٪': '%',
  '٫': '.',
  '٬': ',',
  '۔': '.',
}

// Arabic-Indic (U+0660) and Extended Arabic-Indic (U+06F0) digits both become ASCII digits, so
// figures in the pseudo-translation can be compared with the source by eye and by tests.
const ARABIC_INDIC_ZERO = 0x0660
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0

// Harakat, tatweel and the Arabic letter mark carry nothing a Latin reader needs; dropping them
// keeps the output plain ASCII for fully Arabic input.
const DROPPED = /[\u064B-\u065F\u0670\u0640\u061C]/u

const ARABIC_LETTER = /[\u0620-\u064A\u0671-\u06D3\u06FA-\u06FF]/u

export function pseudoMarker (targetLanguage: string): string {
  return `[pseudo-${targetLanguage}] `
}

/** Transliterates Arabic letters, digits and punctuation; leaves everything else as it is. */
export function transliterate (text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp >= ARABIC_INDIC_ZERO && cp <= ARABIC_INDIC_ZERO + 9) {
      out += String(cp - ARABIC_INDIC_ZERO)
    } else if (cp >= EXTENDED_ARABIC_INDIC_ZERO && cp <= EXTENDED_ARABIC_INDIC_ZERO + 9) {
      out += String(cp - EXTENDED_ARABIC_INDIC_ZERO)
    } else if (DROPPED.test(ch)) {
      // nothing
    } else {
      out += LETTERS[ch] ?? ch
    }
  }
  return out
}

/** Script-based language guess, the same one the emulator's detectLanguage answers with. */
export function detectLanguage (text: string): 'ar' | 'en' {
  return ARABIC_LETTER.test(text) ? 'ar' : 'en'
}

// Tags, comments and entities in html mode: matched so they can be copied through untouched.
// A lone "<" or "&" that starts none of these is ordinary text and is copied as-is too, so
// html mode never escapes anything that was not escaped in the input.
const HTML_TOKEN = /<!--[\s\S]*?-->|<\/?[A-Za-z][^>]*>|<![^>]*>|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);/g

// Elements Google leaves untranslated: translate="no" or class="notranslate".
const NO_TRANSLATE = /\stranslate\s*=\s*["']?no\b|\sclass\s*=\s*["'][^"']*\bnotranslate\b/i
const VOID_ELEMENTS = new Set(['br', 'img', 'hr', 'wbr', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track'])

export interface PseudoOptions {
  /** Glossary terms (source → target) rendered as the target term instead of transliterated. */
  glossary?: Array<[string, string]>
  /**
   * Google's habit when html goes from a right-to-left language to a left-to-right one: every
   * element gains style=";text-align:left;direction:ltr".
   */
  directionStyle?: boolean
}

/**
 * Pseudo-translates one segment. The marker goes before the first translated text, so in html
 * mode it lands inside the first element (`<p>[pseudo-en] …</p>`) rather than before the markup.
 * Text inside translate="no" elements is copied as it is. Segments with no visible text (empty,
 * whitespace, markup only) come back unchanged, as an empty segment would from Google.
 */
export function pseudoTranslate (text: string, mimeType: MimeType, targetLanguage: string, options: PseudoOptions = {}): string {
  const runs = mimeType === 'text/html' ? splitHtml(text) : [{ markup: false, text }]
  const marker = pseudoMarker(targetLanguage)
  const protectedDepth: string[] = []
  let marked = false
  let out = ''
  for (const run of runs) {
    if (run.markup) {
      out += options.directionStyle === true ? withDirectionStyle(run.text) : run.text
      trackProtection(run.text, protectedDepth)
      continue
    }
    if (protectedDepth.length > 0) {
      out += run.text
      continue
    }
    let piece = translateText(run.text, options.glossary ?? [])
    if (!marked) {
      const start = piece.search(/\S/u)
      if (start >= 0) {
        piece = piece.slice(0, start) + marker + piece.slice(start)
        marked = true
      }
    }
    out += piece
  }
  return out
}

/** Glossary terms become their target; everything else is transliterated. */
function translateText (text: string, glossary: Array<[string, string]>): string {
  let out = ''
  let rest = text
  while (rest !== '') {
    let best: { at: number; source: string; target: string } | undefined
    for (const [source, target] of glossary) {
      const at = source === '' ? -1 : rest.indexOf(source)
      if (at >= 0 && (best === undefined || at < best.at || (at === best.at && source.length > best.source.length))) best = { at, source, target }
    }
    if (best === undefined) return out + transliterate(rest)
    out += transliterate(rest.slice(0, best.at)) + best.target
    rest = rest.slice(best.at + best.source.length)
  }
  return out
}

// Keeps a stack of the elements entered since (and including) the outermost translate="no" one.
function trackProtection (tag: string, stack: string[]): void {
  const match = /^<(\/?)([A-Za-z][A-Za-z0-9]*)/.exec(tag)
  if (match === null) return
  const name = match[2]!.toLowerCase()
  if (match[1] === '/') {
    const at = stack.lastIndexOf(name)
    if (at >= 0) stack.length = at
    return
  }
  if (VOID_ELEMENTS.has(name) || tag.endsWith('/>')) return
  if (stack.length > 0 || NO_TRANSLATE.test(tag)) stack.push(name)
}

function withDirectionStyle (tag: string): string {
  if (!/^<[A-Za-z]/.test(tag)) return tag
  return tag.replace(/\s*(\/?)>$/, ' style=";text-align:left;direction:ltr"$1>')
}

interface Run {
  markup: boolean
  text: string
}

function splitHtml (html: string): Run[] {
  const runs: Run[] = []
  let last = 0
  for (const match of html.matchAll(HTML_TOKEN)) {
    if (match.index > last) runs.push({ markup: false, text: html.slice(last, match.index) })
    runs.push({ markup: true, text: match[0] })
    last = match.index + match[0].length
  }
  if (last < html.length) runs.push({ markup: false, text: html.slice(last) })
  return runs
}
