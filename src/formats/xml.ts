// The one escaping layer for every XML document Nashra emits (NewsML-G2, NITF and Atom).
// Formatters build a tree with `el()` and hand it to `serialize()`; nothing else in the project
// concatenates markup, so escaping and the XML 1.0 character rules live only here.
//
// Text arrives already decoded: an ingested "&quot;" is four literal characters by the time it
// reaches this module and is written as "&amp;quot;". Decoding entities is an ingest concern.

export type AttrValue = string | number | undefined

export interface XmlElement {
  readonly name: string
  readonly attrs: Readonly<Record<string, AttrValue>>
  readonly children: readonly XmlNode[]
}

export type XmlNode = XmlElement | string

/** What `el()` accepts as a child: nullish/false entries and nested arrays make optional parts easy. */
export type XmlChild = XmlNode | null | undefined | false | readonly XmlChild[]

export interface SerializeOptions {
  /** Prefix `<?xml version="1.0" encoding="UTF-8"?>`. */
  declaration?: boolean
  /** Indent element-only content with two spaces per level (golden files stay readable). */
  pretty?: boolean
}

// Element and attribute names come from formatter code, never from stories; a bad one is a bug,
// so it throws instead of being escaped into something that only looks harmless.
const NAME = /^[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?$/

// Everything outside XML 1.0's Char production: C0 controls other than tab/LF/CR, U+FFFE and
// U+FFFF, and lone surrogates (a high surrogate not followed by a low one, a low one not preceded
// by a high one). Written without the `u` flag and behind a cheap pre-check: a negated Unicode
// class over a whole article was the most expensive step of rendering, and most text has none.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding forbidden control characters is the point
const MAYBE_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding forbidden control characters is the point
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

// Characters each escaper rewrites, tested first so text without any is returned as it is.
// TEXT_ANY folds the forbidden-character check in: most paragraphs need one scan, not two.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding forbidden control characters is the point
const TEXT_ANY = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF&<>\r]/
const TEXT_SPECIAL = /[&<>\r]/
const TEXT_SPECIALS = /[&<>\r]/g
const ATTR_SPECIAL = /[&<>"\t\n\r]/
const ATTR_SPECIALS = /[&<>"\t\n\r]/g
const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  // `>` only needs escaping after `]]`, but always escaping it is simpler and never wrong.
  '>': '&gt;',
  '"': '&quot;',
  // In text a parser turns a literal CR (or CRLF) into LF; the reference keeps the character. In
  // attributes, value normalisation turns literal tab/LF/CR into spaces; references survive it.
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
}
const reference = (char: string): string => REFERENCES[char] ?? char

// ASCII whitespace plus NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which readers render as line
// breaks. NBSP and other spaces are left alone: they are deliberate in typeset text.
const BREAKING_WHITESPACE = /[\t\n\v\f\r \u0085\u2028\u2029]+/g

/** Builds an element. Attributes whose value is undefined are left out of the output. */
export function el (name: string, attrs: Readonly<Record<string, AttrValue>> = {}, ...children: XmlChild[]): XmlElement {
  if (!NAME.test(name)) throw new TypeError(`Invalid XML element name: ${JSON.stringify(name)}`)
  for (const key of Object.keys(attrs)) {
    if (!NAME.test(key)) throw new TypeError(`Invalid XML attribute name: ${JSON.stringify(key)}`)
  }
  const flat: XmlNode[] = []
  flatten(children, flat)
  return { name, attrs, children: flat }
}

function flatten (children: readonly XmlChild[], into: XmlNode[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) flatten(child, into)
    else into.push(child as XmlNode)
  }
}

/** Removes every character XML 1.0 cannot carry, even as a character reference. */
export function stripInvalidXmlChars (value: string): string {
  return MAYBE_FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value
}

/**
 * One line, single-spaced, trimmed: for elements whose schema type forbids tab/LF/CR
 * (NewsML-G2 `slugline`, `name`, which are g2normalizedString) and for one-line fields.
 */
export function collapseWhitespace (value: string): string {
  // Forbidden characters go first, or dropping them later could leave double spaces behind.
  return stripInvalidXmlChars(value).replace(BREAKING_WHITESPACE, ' ').replace(/^ | $/g, '')
}

export function escapeText (value: string): string {
  if (!TEXT_ANY.test(value)) return value
  const clean = stripInvalidXmlChars(value)
  return TEXT_SPECIAL.test(clean) ? clean.replace(TEXT_SPECIALS, reference) : clean
}

export function escapeAttr (value: string): string {
  const clean = stripInvalidXmlChars(value)
  return ATTR_SPECIAL.test(clean) ? clean.replace(ATTR_SPECIALS, reference) : clean
}

/**
 * Deepest element nesting a document may have. libxml2 (behind lxml, PHP, xmllint, many CMS
 * importers) refuses documents nested deeper than 256 by default; ingest keeps a paragraph's
 * inline markup to 32 levels, so only a story that bypassed it can get here, and it is refused
 * with a domain error instead of becoming a document partners cannot parse.
 */
export const MAX_XML_DEPTH = 200

export class DocumentTooDeepError extends Error {
  /** The depth allowed (MAX_XML_DEPTH). */
  readonly limit = MAX_XML_DEPTH

  constructor (name: string) {
    super(`The document nests elements more than ${MAX_XML_DEPTH} deep (inside <${name}>); XML parsers refuse such documents.`)
    this.name = 'DocumentTooDeepError'
  }
}

export function serialize (node: XmlElement, options: SerializeOptions = {}): string {
  const out: string[] = []
  if (options.declaration === true) out.push('<?xml version="1.0" encoding="UTF-8"?>\n')
  write(node, options.pretty === true, out)
  if (options.declaration === true || options.pretty === true) out.push('\n')
  return out.join('')
}

interface Open {
  node: XmlElement
  /** Indentation level of the element, or -1 when not indenting inside it. */
  depth: number
  indent: boolean
  next: number
}

/**
 * Iterative (an explicit stack, not recursion): a deep tree cannot overflow the call stack, and
 * every node is visited once.
 */
function write (root: XmlElement, pretty: boolean, out: string[]): void {
  const stack: Open[] = []
  const open = (node: XmlElement, depth: number): void => {
    if (stack.length >= MAX_XML_DEPTH) throw new DocumentTooDeepError(node.name)
    out.push('<', node.name)
    for (const [key, value] of Object.entries(node.attrs)) {
      if (value === undefined) continue
      out.push(' ', key, '="', escapeAttr(String(value)), '"')
    }
    if (node.children.length === 0) {
      out.push('/>')
      return
    }
    out.push('>')
    // Whitespace is only added between children when there is no text among them, so indenting
    // never changes the content of mixed or text-only elements.
    const indent = depth >= 0 && node.children.every((child) => typeof child !== 'string')
    stack.push({ node, depth, indent, next: 0 })
  }
  open(root, pretty ? 0 : -1)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.next === top.node.children.length) {
      if (top.indent) out.push('\n', '  '.repeat(top.depth))
      out.push('</', top.node.name, '>')
      stack.pop()
      continue
    }
    const child = top.node.children[top.next++]!
    if (top.indent) out.push('\n', '  '.repeat(top.depth + 1))
    if (typeof child === 'string') out.push(escapeText(child))
    else open(child, top.indent ? top.depth + 1 : -1)
  }
}
