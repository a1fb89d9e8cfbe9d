// Story bodies as XHTML elements, built with xml.ts like every other piece of markup. NewsML-G2
// wraps a whole XHTML document in inlineXML, ninjs carries a <div> as a string, Atom embeds the
// same <div>. Paragraphs keep their inline markup as elements (inline.ts); pictures follow the
// text as <figure> with <img> and <figcaption>.
import { inlineNodes, inlineText, XHTML_INLINE } from './inline.ts'
import type { Story, StoryImage } from './story.ts'
import { el, type XmlElement } from './xml.ts'

export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml'

/** XHTML `<p>` elements, inline markup as elements. */
export function paragraphElements (paragraphs: readonly string[]): XmlElement[] {
  return paragraphs.map((paragraph) => el('p', {}, inlineNodes(paragraph, XHTML_INLINE)))
}

/** The body's paragraphs; a kill's body is its notice alone (story.ts says why). */
function bodyParagraphs (story: Story): XmlElement[] {
  if (story.withdrawn !== true || story.notice === undefined) return paragraphElements(story.paragraphs)
  const lang = story.lang.toLowerCase() === 'en' ? undefined : 'en'
  return [el('p', { lang, 'xml:lang': lang, dir: lang === undefined ? undefined : 'ltr' }, story.notice)]
}

/** A complete XHTML document: NewsML-G2 inlineXML takes exactly one element. */
export function xhtmlDocument (story: Story): XmlElement {
  return el('html', { xmlns: XHTML_NAMESPACE, lang: story.lang, 'xml:lang': story.lang, dir: rtl(story) },
    el('head', {}, el('title', {}, story.headline.value)),
    el('body', {}, bodyParagraphs(story), figures(story)))
}

/** One XHTML `<div>` holding the body (Atom xhtml content, ninjs body value). */
export function xhtmlDiv (story: Story): XmlElement {
  return el('div', { xmlns: XHTML_NAMESPACE, lang: story.lang, 'xml:lang': story.lang, dir: rtl(story) },
    bodyParagraphs(story), figures(story))
}

function figures (story: Story): XmlElement[] {
  return story.images.map((image) => figure(image, story.lang))
}

function figure (image: StoryImage, itemLang: string): XmlElement {
  const caption = image.caption
  const differs = caption !== undefined && caption.lang.toLowerCase() !== itemLang.toLowerCase()
  return el('figure', {},
    el('img', { src: image.href, alt: caption?.value ?? '' }),
    caption !== undefined && el('figcaption', {
      lang: differs ? caption.lang : undefined,
      'xml:lang': differs ? caption.lang : undefined,
      dir: differs ? caption.dir : undefined,
    }, caption.value))
}

/**
 * ninjs `wordCount` (runs of non-space characters) and `charCount` (code points, paragraphs
 * joined by one line break) in one pass over char codes: splitting a 1,500-word body into
 * arrays cost more than rendering it.
 */
export function bodyCounts (paragraphs: readonly string[]): { words: number; chars: number } {
  let words = 0
  let chars = Math.max(0, paragraphs.length - 1)
  for (const stored of paragraphs) {
    const paragraph = inlineText(stored)
    chars += paragraph.length
    let inWord = false
    for (let i = 0; i < paragraph.length; i++) {
      const code = paragraph.charCodeAt(i)
      // Text is cleaned before it gets here, so every low surrogate ends a pair: one code point.
      if (code >= 0xDC00 && code <= 0xDFFF) chars--
      const space = code <= 0x20 ? code === 0x20 || (code >= 0x09 && code <= 0x0D) : code >= 0xA0 && isWideSpace(code)
      if (!space && !inWord) words++
      inWord = !space
    }
  }
  return { words, chars }
}

// The non-ASCII characters \s matches: NBSP, Unicode spaces, line/paragraph separators, BOM.
function isWideSpace (code: number): boolean {
  return code === 0xA0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200A) || code === 0x2028 ||
    code === 0x2029 || code === 0x202F || code === 0x205F || code === 0x3000 || code === 0xFEFF
}

// `dir` only where it says something: ltr is every renderer's default.
function rtl (story: Story): 'rtl' | undefined {
  return story.dir === 'rtl' ? 'rtl' : undefined
}
