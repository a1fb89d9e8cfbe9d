// One segment made ready for one target language: its translation-memory key, and what goes to
// the engine. In text/html mode each glossary term becomes a short placeholder the engine must
// leave alone, <span translate="no">g0</span>, and the target term is put in its place in the
// output: cheap (Google bills the characters sent) and the term cannot be mistranslated. Should
// an engine lose a placeholder, the segment is sent again with the target term itself inside
// the span. With a plain-text-only model the target term simply replaces the source term.
import type { SegmentKey } from '../storage/types.ts'
import type { Atom } from './batching.ts'
import { findTerms, glossaryFingerprint, type PreparedGlossary, type TermMatch } from './glossary.ts'
import { escapeHtmlText, htmlToStored, inlinePlainText, parseInline } from './inline-markup.ts'
import { sourceHash } from './memory-key.ts'
import type { Segment } from './segments.ts'

export interface SegmentContext {
  sourceLanguage: string
  targetLanguage: string
  /** The engine's memory scope (engine, model, Google glossary resources). */
  engine: string
  glossary: PreparedGlossary
  /** The model takes text/plain only (general/translation-llm): markup cannot be kept. */
  plainTextOnly: boolean
}

export interface Placeholder {
  token: string
  target: string
}

export interface PreparedSegment {
  key: SegmentKey
  /** What is sent: placeholders for glossary terms. */
  atoms: Atom[]
  /** The fallback: the target terms themselves inside the protected spans. */
  atomsWithTargets: Atom[]
  placeholders: Placeholder[]
  /** Has to go as text/html: it carries inline markup or glossary placeholders. */
  needsHtml: boolean
  /** Inline markup of the source to keep in the output. */
  keepMarkup: boolean
  /** Glossary terms found in the source and the rendering the output carries (for the article view). */
  terms: Array<{ term: string; rendering: string }>
}

const protect = (html: string): string => `<span translate="no">${html}</span>`
const PLACEHOLDER_SPAN = /<span\b[^<>]*>\s*(g\d+)\s*<\/span>/g

/** The memory key as one string, to find duplicates within a version. */
export function keyString (key: SegmentKey): string {
  return [key.sourceHash, key.sourceLanguage, key.targetLanguage, key.engine, key.glossaryVersion].join('\u0000')
}

export function prepareSegment (segment: Segment, ctx: SegmentContext): PreparedSegment {
  const keepMarkup = segment.markup && !ctx.plainTextOnly
  const tokens = keepMarkup
    ? parseInline(segment.text)
    : [{ kind: 'text' as const, text: segment.markup ? inlinePlainText(segment.text) : segment.text }]
  const atoms: Atom[] = []
  const atomsWithTargets: Atom[] = []
  const placeholders: Placeholder[] = []
  const matches: TermMatch[] = []
  const terms: Array<{ term: string; rendering: string }> = []
  const both = (atom: Atom): void => {
    atoms.push(atom)
    atomsWithTargets.push(atom)
  }
  for (const token of tokens) {
    if (token.kind !== 'text') {
      both(token.kind === 'open' ? { kind: 'open', tag: token.tag, href: token.href } : token)
      continue
    }
    const found = findTerms(token.text, ctx.glossary, ctx.targetLanguage)
    matches.push(...found)
    for (const m of found) terms.push({ term: token.text.slice(m.start, m.end), rendering: m.target })
    let last = 0
    for (const m of found) {
      if (m.start > last) both({ kind: 'text', text: token.text.slice(last, m.start) })
      if (ctx.plainTextOnly) {
        both({ kind: 'text', text: m.target })
      } else {
        const token = `g${placeholders.length}`
        placeholders.push({ token, target: m.target })
        atoms.push({ kind: 'raw', html: protect(token) })
        atomsWithTargets.push({ kind: 'raw', html: protect(escapeHtmlText(m.target)) })
      }
      last = m.end
    }
    if (last < token.text.length) both({ kind: 'text', text: token.text.slice(last) })
  }
  return {
    key: {
      sourceHash: sourceHash(segment.text),
      sourceLanguage: ctx.sourceLanguage,
      targetLanguage: ctx.targetLanguage,
      engine: ctx.engine,
      glossaryVersion: glossaryFingerprint(matches),
    },
    atoms,
    atomsWithTargets,
    placeholders,
    needsHtml: keepMarkup || placeholders.length > 0,
    keepMarkup,
    terms,
  }
}

/**
 * The engine's output for a segment in the stored form (see inline-markup.ts), glossary targets
 * in place of their placeholders; undefined when the engine lost a placeholder.
 */
export function finishSegment (output: string, segment: Pick<PreparedSegment, 'placeholders' | 'keepMarkup'>, sentAsHtml: boolean,
  withTargets = false): string | undefined {
  if (!sentAsHtml) return output.trim()
  let html = output
  if (!withTargets && segment.placeholders.length > 0) {
    // One pass over the output for all placeholders (a regular expression per placeholder over
    // the whole output would be quadratic in a paragraph that repeats a glossary term).
    const targets = new Map(segment.placeholders.map((p) => [p.token, p.target]))
    const seen = new Set<string>()
    html = html.replace(PLACEHOLDER_SPAN, (whole, token: string) => {
      const target = targets.get(token)
      if (target === undefined || seen.has(token)) return whole
      seen.add(token)
      return protect(escapeHtmlText(target))
    })
    if (seen.size !== targets.size) return undefined
  }
  return htmlToStored(html, segment.keepMarkup).trim()
}
