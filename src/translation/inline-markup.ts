// Inline markup inside a paragraph: the one definition of what a stored paragraph string may
// contain, shared by the translation stage and the formats that render paragraphs.
//
// A paragraph is decoded text (no entities) in which exactly these tags count as markup:
// <b> <strong> <i> <em> and <a href="…"> with an http:, https: or mailto: href, each with its
// closing tag, properly nested. Anything else that looks like a tag (a stray "<span>", "x < y",
// an <a> with a javascript: href, an unclosed <b>) is ordinary text. Renderers call parseInline
// and escape every text token, so no string in a paragraph can inject markup of its own.
import { decodeEntities } from '../articles/normalize.ts'
import { TagStack } from './tag-stack.ts'

export type InlineTag = 'b' | 'strong' | 'i' | 'em' | 'a'

export type InlineToken =
  | { kind: 'text'; text: string }
  | { kind: 'open'; tag: InlineTag; href?: string }
  | { kind: 'close'; tag: InlineTag }

const CANDIDATE = /<(\/?)(b|strong|i|em|a)(\s[^<>]*)?>/gi
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i
const SAFE_HREF = /^(?:https?:\/\/|mailto:)\S+$/i

type Candidate = { index: number; raw: string; token: InlineToken | null }

function candidateToken (closing: boolean, name: string, attrs: string | undefined): InlineToken | null {
  const tag = name.toLowerCase() as InlineTag
  if (closing) return attrs === undefined || attrs.trim() === '' ? { kind: 'close', tag } : null
  if (tag !== 'a') return { kind: 'open', tag }
  const match = HREF.exec(attrs ?? '')
  // A quote in a stored href would end the attribute early; percent-encoding keeps the URL.
  const href = (match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim().replaceAll('"', '%22')
  return SAFE_HREF.test(href) ? { kind: 'open', tag, href } : null
}

/**
 * Pairs opening and closing tags; whatever stays unpaired is handed to `unpaired`. Linear in the
 * number of tags whatever their nesting (see tag-stack.ts).
 */
function pairTags (candidates: Candidate[]): Set<Candidate> {
  const paired = new Set<Candidate>()
  const stack = new TagStack<Candidate>()
  for (const c of candidates) {
    if (c.token === null || c.token.kind === 'text') continue
    if (c.token.kind === 'open') {
      stack.push(c.token.tag, c)
      continue
    }
    const at = stack.lastIndexOf(c.token.tag)
    if (at < 0) continue
    // Tags opened inside this element and never closed stay unpaired.
    const opener = stack.frames[at]!.item
    stack.truncate(at)
    paired.add(opener)
    paired.add(c)
  }
  return paired
}

function tokenize (text: string, keepUnpaired: boolean): InlineToken[] {
  // Every tag starts with '<', and most news paragraphs have none: one scan for it spares the
  // regex, its match objects and the pairing (at ingest a tenth of the garbage of a post).
  if (!text.includes('<')) return text === '' ? [] : [{ kind: 'text', text }]
  const candidates: Candidate[] = []
  for (const m of text.matchAll(CANDIDATE)) {
    candidates.push({ index: m.index, raw: m[0], token: candidateToken(m[1] === '/', m[2]!, m[3]) })
  }
  const paired = pairTags(candidates)
  const tokens: InlineToken[] = []
  const pushText = (t: string): void => {
    if (t === '') return
    const last = tokens.at(-1)
    if (last?.kind === 'text') last.text += t
    else tokens.push({ kind: 'text', text: t })
  }
  let last = 0
  for (const c of candidates) {
    pushText(text.slice(last, c.index))
    if (paired.has(c) && c.token !== null) tokens.push(c.token)
    else if (keepUnpaired) pushText(c.raw)
    last = c.index + c.raw.length
  }
  pushText(text.slice(last))
  return tokens
}

/** Splits a stored paragraph into text and markup tokens. */
export function parseInline (text: string): InlineToken[] {
  return tokenize(text, true)
}

/**
 * Bounds on a paragraph's inline markup, checked at ingest (the HTTP API refuses a story over
 * them with 400). Real copy nests a link in bold at most a few levels and carries a handful of
 * tags; the bounds leave generous room for that while keeping every later stage safe:
 * - depth: rendered documents stay far below the 256 levels libxml2-based parsers accept
 *   (formats/xml.ts refuses anything past 200);
 * - tags and characters of markup (as sent to the engine, `&` in an href counted as `&amp;`):
 *   the tags open at any point take well under half of one 30,000-codepoint engine request, so
 *   a long paragraph can always be cut and its tags reopened (batching.ts).
 */
export const INLINE_LIMITS = { depth: 32, tags: 512, markupChars: 8_192 } as const

export interface InlineMarkupSize {
  depth: number
  tags: number
  markupChars: number
}

/** How deep, how many and how long the paragraph's inline tags are (one linear pass). */
export function inlineMarkupSize (text: string): InlineMarkupSize {
  let depth = 0
  let deepest = 0
  let tags = 0
  let markupChars = 0
  for (const token of parseInline(text)) {
    if (token.kind === 'text') continue
    tags++
    markupChars += tagString(token, (v) => v.replaceAll('&', '&amp;')).length
    depth += token.kind === 'open' ? 1 : -1
    if (depth > deepest) deepest = depth
  }
  return { depth: deepest, tags, markupChars }
}

/** Why the paragraph's markup is over INLINE_LIMITS, or null when it is within them. */
export function inlineMarkupProblem (text: string): string | null {
  const size = inlineMarkupSize(text)
  if (size.depth > INLINE_LIMITS.depth) return `inline markup nests ${size.depth} levels deep; at most ${INLINE_LIMITS.depth} are allowed`
  if (size.tags > INLINE_LIMITS.tags) return `holds ${size.tags} inline tags; at most ${INLINE_LIMITS.tags} are allowed`
  if (size.markupChars > INLINE_LIMITS.markupChars) {
    return `holds ${size.markupChars} characters of inline tags; at most ${INLINE_LIMITS.markupChars} are allowed`
  }
  return null
}

export function hasInlineMarkup (text: string): boolean {
  return parseInline(text).some((t) => t.kind !== 'text')
}

/** The paragraph without its markup, for plain-text contexts. */
export function inlinePlainText (text: string): string {
  if (!text.includes('<')) return text
  return parseInline(text).map((t) => (t.kind === 'text' ? t.text : '')).join('')
}

export function escapeHtmlText (text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function tagString (token: InlineToken, href: (value: string) => string): string {
  if (token.kind === 'close') return `</${token.tag}>`
  if (token.kind === 'open') return token.href === undefined ? `<${token.tag}>` : `<${token.tag} href="${href(token.href)}">`
  return ''
}

/** Tokens as an HTML fragment for an engine in text/html mode: text escaped, tags canonical. */
export function tokensToHtml (tokens: InlineToken[]): string {
  return tokens.map((t) => (t.kind === 'text' ? escapeHtmlText(t.text) : tagString(t, (v) => v.replaceAll('&', '&amp;')))).join('')
}

/** Tokens back as a stored paragraph: decoded text, canonical tags. */
export function tokensToStored (tokens: InlineToken[]): string {
  return tokens.map((t) => (t.kind === 'text' ? t.text : tagString(t, (v) => v))).join('')
}

// Google adds style=";text-align:left;direction:ltr" to elements when it translates right-to-left
// text into a left-to-right language; partners must not receive Google's layout opinions.
const DIRECTION_STYLE = /(?<!\s)\s+style\s*=\s*(?:"[^"]*(?:text-align|direction)[^"]*"|'[^']*(?:text-align|direction)[^']*')/gi

export function stripDirectionStyles (html: string): string {
  return html.replace(DIRECTION_STYLE, '')
}

const ANY_TAG = /<\/?[A-Za-z][^<>]*>/g

/**
 * An engine's text/html output back to the stored form: direction styles stripped, entities
 * decoded, the inline tags kept in canonical form when `keepMarkup`, every other tag (span
 * wrappers, Google's additions, unbalanced leftovers) dropped with its text kept.
 */
export function htmlToStored (html: string, keepMarkup: boolean): string {
  const cleaned = stripDirectionStyles(html)
  let kept = ''
  let last = 0
  for (const m of cleaned.matchAll(ANY_TAG)) {
    kept += decodeEntities(cleaned.slice(last, m.index))
    const allowed = keepMarkup ? /^<\/?(?:b|strong|i|em|a)(?:\s[^<>]*)?>$/i.test(m[0]) : false
    // Allowed tags pass through tokenize below (which decodes nothing); a decoded "<" in the text
    // cannot be told from a tag there, hence the private-use stand-ins until then.
    if (allowed) kept += decodeEntities(m[0]).replaceAll('<', '\uE000').replaceAll('>', '\uE001')
    last = m.index + m[0].length
  }
  kept += decodeEntities(cleaned.slice(last))
  const protectedText = kept.replaceAll('<', '\uE002').replaceAll('>', '\uE003')
  const restored = protectedText.replaceAll('\uE000', '<').replaceAll('\uE001', '>')
  return tokensToStored(tokenize(restored, false).map((t) =>
    t.kind === 'text' ? { kind: 'text', text: t.text.replaceAll('\uE002', '<').replaceAll('\uE003', '>') } : t))
}
