// Inline markup in stored paragraphs (<b> <strong> <i> <em> <a href>, as defined once in
// src/translation/inline-markup.ts) turned into el() nodes, so it reaches partners as elements
// built by xml.ts, never as raw markup: every text token is escaped by the one escaping layer,
// hrefs are attribute values, and anything the grammar does not accept stays visible text.
//
// Each format says what each tag becomes (XHTML keeps them; NITF has only <em> and <a>).
import { type InlineTag, parseInline } from '../translation/inline-markup.ts'
import { type AttrValue, el, type XmlChild, type XmlElement, type XmlNode } from './xml.ts'

/** What an inline tag becomes in a format: an element name and fixed attributes. */
export type InlineTagMap = Readonly<Record<InlineTag, { name: string; attrs?: Readonly<Record<string, AttrValue>> }>>

export const XHTML_INLINE: InlineTagMap = {
  b: { name: 'b' },
  strong: { name: 'strong' },
  i: { name: 'i' },
  em: { name: 'em' },
  a: { name: 'a' },
}

// Cheap test first: most paragraphs hold no tag at all and stay one text node.
const MAYBE_TAG = /<\/?(?:b|strong|i|em|a)[\s>]/i

interface Frame {
  tag: InlineTag | null
  href?: string | undefined
  children: XmlNode[]
}

/** The paragraph as text and inline elements. */
export function inlineNodes (paragraph: string, tags: InlineTagMap): XmlChild {
  if (!MAYBE_TAG.test(paragraph)) return paragraph
  const root: Frame = { tag: null, children: [] }
  const stack: Frame[] = [root]
  for (const token of parseInline(paragraph)) {
    const top = stack.at(-1)!
    if (token.kind === 'text') top.children.push(token.text)
    else if (token.kind === 'open') stack.push({ tag: token.tag, href: token.href, children: [] })
    else if (top.tag === token.tag && stack.length > 1) {
      // parseInline pairs and nests tags; a close that did not match would simply stay text.
      stack.pop()
      stack.at(-1)!.children.push(element(top, tags))
    } else top.children.push(`</${token.tag}>`)
  }
  // Unclosed frames cannot come out of parseInline, but if they did their text is kept.
  while (stack.length > 1) {
    const frame = stack.pop()!
    // A loop, not push(...children): spreading a huge array overflows the call stack.
    for (const child of frame.children) stack.at(-1)!.children.push(child)
  }
  return mixed(root.children)
}

// An empty text node marks element-only content as mixed, so pretty-printing never indents
// between inline elements (which would add visible spaces).
function mixed (children: XmlNode[]): XmlNode[] {
  return children.some((child) => typeof child === 'string') ? children : ['', ...children]
}

/** The paragraph without its markup: what a reader sees, for counts and plain-text fields. */
export function inlineText (paragraph: string): string {
  if (!MAYBE_TAG.test(paragraph)) return paragraph
  return parseInline(paragraph).map((token) => (token.kind === 'text' ? token.text : '')).join('')
}

function element (frame: Frame, tags: InlineTagMap): XmlElement {
  const mapped = tags[frame.tag!]
  const attrs = frame.tag === 'a' ? { ...mapped.attrs, href: frame.href } : mapped.attrs ?? {}
  return el(mapped.name, attrs, mixed(frame.children))
}
