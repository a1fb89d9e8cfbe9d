// Fitting segments into as few translateText calls as Google allows: at most 1024 entries and
// 30,000 codepoints per request (Google counts codepoints, not UTF-16 units). A segment longer
// than a whole request is cut at sentence ends (at spaces, or anywhere, only when a sentence or a
// word alone is too long) and the translated pieces are joined again with the cut's whitespace.
import type { InlineTag } from './inline-markup.ts'
import { escapeHtmlText } from './inline-markup.ts'
import { TagStack } from './tag-stack.ts'

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

/**
 * A segment that cannot be sent however it is cut: its open tags alone fill most of a request,
 * or one tag is longer than a request. Code 3 (INVALID_ARGUMENT, as Google would say): no retry
 * can help, so the version fails with this reason instead of being tried again.
 */
export class UntranslatableSegmentError extends Error {
  readonly code = 3

  constructor (message: string) {
    super(message)
    this.name = 'UntranslatableSegmentError'
  }
}

interface Unit {
  text: string
  length: number
  /** A space that may be cut at; `sentence` when it follows the end of a sentence. */
  cut?: 'word' | 'sentence'
  atom?: Extract<Atom, { kind: 'open' | 'close' }>
  /** Ready-made html (a glossary placeholder): never cut. */
  raw?: true
}

const SENTENCE_END = /[.!?؟۔…]["'»”’)\]]*$/u

function toUnits (atoms: Atom[], html: boolean): Unit[] {
  const units: Unit[] = []
  for (const atom of atoms) {
    if (atom.kind !== 'text') {
      const text = renderAtom(atom, html)
      units.push({ text, length: codepointLength(text), ...(atom.kind === 'raw' ? { raw: true as const } : { atom }) })
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

/** An open tag on the stack, with the lengths of all openers and closers up to and including it. */
interface Open {
  tag: InlineTag
  opener: string
  openSum: number
  closeSum: number
}

type Stack = TagStack<Open>

const openersLength = (stack: Stack): number => stack.frames.at(-1)?.item.openSum ?? 0
const closersLength = (stack: Stack, depth = stack.depth): number => (depth === 0 ? 0 : stack.frames[depth - 1]!.item.closeSum)
const closers = (stack: Stack): string => stack.frames.toReversed().map((f) => `</${f.tag}>`).join('')
const openers = (stack: Stack): string => stack.frames.map((f) => f.item.opener).join('')

/** The closers' length once `unit` is applied, without applying it. */
function closersAfter (stack: Stack, unit: Unit): number {
  if (unit.atom?.kind === 'open') return closersLength(stack) + unit.atom.tag.length + 3
  if (unit.atom?.kind === 'close') {
    const at = stack.lastIndexOf(unit.atom.tag)
    return at < 0 ? closersLength(stack) : closersLength(stack, at)
  }
  return closersLength(stack)
}

function apply (stack: Stack, unit: Unit): void {
  if (unit.atom?.kind === 'open') {
    const opener = unit.text
    stack.push(unit.atom.tag, {
      tag: unit.atom.tag,
      opener,
      openSum: openersLength(stack) + unit.length,
      closeSum: closersLength(stack) + unit.atom.tag.length + 3,
    })
  } else if (unit.atom?.kind === 'close') {
    const at = stack.lastIndexOf(unit.atom.tag)
    if (at >= 0) stack.truncate(at)
  }
}

/**
 * Cuts a rendered-too-long segment into pieces of at most maxCodepoints each. Linear in the
 * segment: the open tags are tracked incrementally (never copied per unit), and a piece may not
 * start with open tags that take more than half a request, so every piece carries at least half
 * a request of the segment itself and the reopened tags cannot multiply the output.
 */
export function splitAtoms (atoms: Atom[], html: boolean, maxCodepoints: number): { pieces: string[]; seams: Seam[] } {
  const units = toUnits(atoms, html)
  const pieces: string[] = []
  const seams: Seam[] = []
  let start = 0
  let stack: Stack = new TagStack<Open>()
  const seamAt = (at: Stack, joiner: string): Seam => ({ joiner, closed: at.frames.toReversed().map((f) => f.item.tag), reopened: at.depth })
  while (start < units.length) {
    if ((openersLength(stack) + closersLength(stack)) * 2 > maxCodepoints) throw tooDeep(stack, maxCodepoints)
    const opening = openers(stack)
    const atStart = stack.clone()
    let length = openersLength(stack)
    let end = start
    let lastCut = -1
    let lastSentence = -1
    for (; end < units.length; end++) {
      const unit = units[end]!
      if (length + unit.length + closersAfter(stack, unit) > maxCodepoints) break
      if (unit.cut !== undefined && end > start) {
        lastCut = end
        if (unit.cut === 'sentence') lastSentence = end
      }
      length += unit.length
      apply(stack, unit)
    }
    if (end === units.length) {
      pieces.push(opening + joinUnits(units, start, end) + closers(stack))
      break
    }
    const cut = lastSentence > start ? lastSentence : lastCut > start ? lastCut : -1
    if (cut >= 0) {
      // Replay the window up to the cut from the piece's starting tags: no snapshot per unit.
      stack = atStart
      for (let i = start; i < cut; i++) apply(stack, units[i]!)
      pieces.push(opening + joinUnits(units, start, cut) + closers(stack))
      seams.push(seamAt(stack, units[cut]!.text))
      start = cut + 1
    } else if (hasText(units, start, end)) {
      // Text but no space to cut at (a word right after a tag): cut before the unit that did not fit.
      pieces.push(opening + joinUnits(units, start, end) + closers(stack))
      seams.push(seamAt(stack, ''))
      start = end
    } else {
      // One word (or nothing but tags and then a word) longer than a whole request: cut by codepoints.
      const unit = units[end]!
      if (unit.atom !== undefined || unit.raw === true) {
        if (stack.depth > 0) throw tooDeep(stack, maxCodepoints)
        throw new UntranslatableSegmentError(`an inline tag of ${unit.length} codepoints does not fit in a request of ${maxCodepoints}`)
      }
      const room = Math.max(1, maxCodepoints - length - closersLength(stack))
      const head = safeSlice(unit.text, room, html)
      pieces.push(opening + joinUnits(units, start, end) + head + closers(stack))
      seams.push(seamAt(stack, ''))
      const rest = unit.text.slice(head.length)
      units[end] = { text: rest, length: unit.length - codepointLength(head) }
      start = end
    }
  }
  return { pieces, seams }
}

function tooDeep (stack: Stack, maxCodepoints: number): UntranslatableSegmentError {
  const overhead = openersLength(stack) + closersLength(stack)
  return new UntranslatableSegmentError(`inline markup nested ${stack.depth} deep needs ${overhead} codepoints of tags ` +
    `in every piece it is cut into; at most ${Math.floor(maxCodepoints / 2)} of a ${maxCodepoints}-codepoint request may go to tags`)
}

function joinUnits (units: Unit[], from: number, to: number): string {
  let text = ''
  for (let i = from; i < to; i++) text += units[i]!.text
  return text
}

function hasText (units: Unit[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (units[i]!.atom === undefined) return true
  return false
}

// The first `room` codepoints of text (at least one). In html mode a cut must not fall inside an
// entity such as &amp;. Only the head is walked, so cutting a 1 MB word costs its length once.
function safeSlice (text: string, room: number, html: boolean): string {
  let end = 0
  for (let n = 0; n < room && end < text.length; n++) {
    const unit = text.charCodeAt(end)
    end += unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length ? 2 : 1
  }
  if (html) {
    const amp = text.lastIndexOf('&', end - 1)
    if (amp > 0 && text.indexOf(';', amp) >= end) end = amp
  }
  return text.slice(0, end)
}

const REOPENED_TAG = /\s*<(?:b|strong|i|em|a)\b[^>]*>/iy

/** Where the closers of `closed` (innermost first) start at the end of `text`, or -1. */
function closersStart (text: string, closed: InlineTag[]): number {
  let at = text.length
  for (let j = closed.length - 1; j >= 0; j--) {
    while (at > 0 && /\s/u.test(text[at - 1]!)) at--
    const closer = `</${closed[j]}>`
    if (text.slice(at - closer.length, at).toLowerCase() !== closer) return -1
    at -= closer.length
  }
  return at
}

/** Where `count` reopened tags (and the whitespace around them) end at the start of `text`, or -1. */
function openersEnd (text: string, count: number): number {
  let at = 0
  for (let j = 0; j < count; j++) {
    REOPENED_TAG.lastIndex = at
    if (!REOPENED_TAG.test(text)) return -1
    at = REOPENED_TAG.lastIndex
  }
  while (at < text.length && /\s/u.test(text[at]!)) at++
  return at
}

/**
 * Joins translated pieces, removing the tags a cut closed and reopened when they are still at the
 * seam. Each seam looks only at the two pieces around it, so joining is linear in the output.
 */
export function joinPieces (outputs: string[], seams: Seam[]): string {
  const parts: string[] = []
  let left = outputs[0] ?? ''
  seams.forEach((seam, i) => {
    let right = outputs[i + 1] ?? ''
    if (seam.closed.length > 0) {
      const cut = closersStart(left, seam.closed)
      const resume = cut < 0 ? -1 : openersEnd(right, seam.reopened)
      if (resume >= 0) {
        left = left.slice(0, cut)
        right = right.slice(resume)
      }
    }
    parts.push(left.trimEnd(), seam.joiner)
    left = right.trimStart()
  })
  parts.push(left)
  return parts.join('')
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
