// Fitting segments into as few translateText calls as Google allows: at most 1024 entries and
// 30,000 codepoints per request (Google counts codepoints, not UTF-16 units). A segment longer
// than a whole request is cut at sentence ends (at spaces, or anywhere, only when a sentence or a
// word alone is too long) and the translated pieces are joined again with the cut's whitespace.
import type { InlineTag } from './inline-markup.ts'
import { escapeHtmlText } from './inline-markup.ts'

export interface EngineLimits {
  maxEntries: number
  maxCodepoints: number
}

export const GOOGLE_LIMITS: EngineLimits = { maxEntries: 1024, maxCodepoints: 30_000 }

/** A segment as it goes to the engine: text, inline tags, and markup that must stay whole. */
export type Atom =
  | { kind: 'text'; text: string }
  /** Ready-made html (a glossary placeholder): never split, only sent in text/html mode. */
  | { kind: 'raw'; html: string }
  | { kind: 'open'; tag: InlineTag; href?: string | undefined }
  | { kind: 'close'; tag: InlineTag }

export function codepointLength (text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // A low surrogate completes a pair already counted.
    if (unit < 0xdc00 || unit > 0xdfff) n++
  }
  return n
}

function openTag (tag: InlineTag, href: string | undefined): string {
  return href === undefined ? `<${tag}>` : `<${tag} href="${href.replaceAll('&', '&amp;')}">`
}

function renderAtom (atom: Atom, html: boolean): string {
  if (atom.kind === 'text') return html ? escapeHtmlText(atom.text) : atom.text
  if (!html) throw new Error(`a ${atom.kind} atom cannot be sent as text/plain`)
  if (atom.kind === 'raw') return atom.html
  return atom.kind === 'open' ? openTag(atom.tag, atom.href) : `</${atom.tag}>`
}

export function renderAtoms (atoms: Atom[], html: boolean): string {
  return atoms.map((a) => renderAtom(a, html)).join('')
}

/** Where a long segment was cut: the whitespace to put back, and the tags closed and reopened. */
export interface Seam {
  joiner: string
  closed: InlineTag[]
  reopened: number
}

interface Unit {
  text: string
  length: number
  /** A space that may be cut at; `sentence` when it follows the end of a sentence. */
  cut?: 'word' | 'sentence'
  atom?: Extract<Atom, { kind: 'open' | 'close' }>
}

const SENTENCE_END = /[.!?؟۔…]["'»”’)\]]*$/u

function toUnits (atoms: Atom[], html: boolean): Unit[] {
  const units: Unit[] = []
  for (const atom of atoms) {
    if (atom.kind !== 'text') {
      const text = renderAtom(atom, html)
      units.push({ text, length: codepointLength(text), ...(atom.kind === 'raw' ? {} : { atom }) })
      continue
    }
    for (const part of atom.text.split(/(\s+)/u)) {
      if (part === '') continue
      if (/^\s+$/u.test(part)) {
        const previous = units.at(-1)
        units.push({ text: part, length: codepointLength(part), cut: previous !== undefined && SENTENCE_END.test(previous.text) ? 'sentence' : 'word' })
      } else {
        const text = html ? escapeHtmlText(part) : part
        units.push({ text, length: codepointLength(text) })
      }
    }
  }
  return units
}

type Stack = Array<{ tag: InlineTag; href?: string | undefined }>

function after (stack: Stack, unit: Unit): Stack {
  if (unit.atom?.kind === 'open') return [...stack, { tag: unit.atom.tag, href: unit.atom.href }]
  if (unit.atom?.kind === 'close') {
    const at = stack.findLastIndex((s) => s.tag === unit.atom?.tag)
    return at < 0 ? stack : stack.slice(0, at)
  }
  return stack
}

const closers = (stack: Stack): string => stack.toReversed().map((s) => `</${s.tag}>`).join('')
const openers = (stack: Stack): string => stack.map((s) => openTag(s.tag, s.href)).join('')

/** Cuts a rendered-too-long segment into pieces of at most maxCodepoints each. */
export function splitAtoms (atoms: Atom[], html: boolean, maxCodepoints: number): { pieces: string[]; seams: Seam[] } {
  const units = toUnits(atoms, html)
  const pieces: string[] = []
  const seams: Seam[] = []
  let start = 0
  let stack: Stack = []
  while (start < units.length) {
    const opening = openers(stack)
    let text = opening
    let length = codepointLength(opening)
    let current = stack
    let end = start
    let lastCut = -1
    let lastSentence = -1
    const stacks: Stack[] = []
    for (; end < units.length; end++) {
      const unit = units[end]!
      const next = after(current, unit)
      if (length + unit.length + codepointLength(closers(next)) > maxCodepoints) break
      stacks[end] = current
      if (unit.cut !== undefined && end > start) {
        lastCut = end
        if (unit.cut === 'sentence') lastSentence = end
      }
      text += unit.text
      length += unit.length
      current = next
    }
    if (end === units.length) {
      pieces.push(text + closers(current))
      break
    }
    const cut = lastSentence > start ? lastSentence : lastCut > start ? lastCut : -1
    const seamAt = (at: Stack, joiner: string): Seam => ({ joiner, closed: at.toReversed().map((s) => s.tag), reopened: at.length })
    if (cut >= 0) {
      const stackAtCut = stacks[cut]!
      pieces.push(opening + units.slice(start, cut).map((u) => u.text).join('') + closers(stackAtCut))
      seams.push(seamAt(stackAtCut, units[cut]!.text))
      stack = stackAtCut
      start = cut + 1
    } else if (units.slice(start, end).some((u) => u.atom === undefined)) {
      // Text but no space to cut at (a word right after a tag): cut before the unit that did not fit.
      pieces.push(text + closers(current))
      seams.push(seamAt(current, ''))
      stack = current
      start = end
    } else {
      // One word (or nothing but tags and then a word) longer than a whole request: cut by codepoints.
      const unit = units[end]!
      const room = Math.max(1, maxCodepoints - length - codepointLength(closers(current)))
      const head = safeSlice([...unit.text], room, html)
      pieces.push(text + head + closers(current))
      seams.push(seamAt(current, ''))
      const rest = unit.text.slice(head.length)
      units[end] = { text: rest, length: codepointLength(rest) }
      stack = current
      start = end
    }
  }
  return { pieces, seams }
}

// In html mode a cut must not fall inside an entity such as &amp;.
function safeSlice (codepoints: string[], room: number, html: boolean): string {
  let end = Math.min(room, codepoints.length)
  if (html) {
    const amp = codepoints.lastIndexOf('&', end - 1)
    if (amp >= 0 && !codepoints.slice(amp, end).includes(';') && codepoints.indexOf(';', amp) >= end) end = Math.max(amp, 1)
  }
  return codepoints.slice(0, end).join('')
}

/** Joins translated pieces, removing the tags a cut closed and reopened when they are still at the seam. */
export function joinPieces (outputs: string[], seams: Seam[]): string {
  let result = outputs[0] ?? ''
  seams.forEach((seam, i) => {
    let right = outputs[i + 1] ?? ''
    if (seam.closed.length > 0) {
      const closing = new RegExp(`${seam.closed.map((t) => `</${t}>\\s*`).join('')}$`, 'iu')
      const opening = new RegExp(`^\\s*${Array.from({ length: seam.reopened }, () => '<(?:b|strong|i|em|a)\\b[^>]*>\\s*').join('')}`, 'iu')
      if (closing.test(result) && opening.test(right)) {
        result = result.replace(closing, '')
        right = right.replace(opening, '')
      }
    }
    result = result.trimEnd() + seam.joiner + right.trimStart()
  })
  return result
}

/** Groups items, in order, into requests within the limits. Every item must fit in a request alone. */
export function packRequests<T extends { text: string }> (items: T[], limits: EngineLimits): T[][] {
  const requests: T[][] = []
  let current: T[] = []
  let size = 0
  for (const item of items) {
    const length = codepointLength(item.text)
    if (current.length > 0 && (current.length >= limits.maxEntries || size + length > limits.maxCodepoints)) {
      requests.push(current)
      current = []
      size = 0
    }
    current.push(item)
    size += length
  }
  if (current.length > 0) requests.push(current)
  return requests
}
