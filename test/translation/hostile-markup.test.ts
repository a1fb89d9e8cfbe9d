// Issue 10: the stories that crashed or stalled the service — nesting 100,000 deep, and 1 MB
// paragraphs — fed to every component that walks markup: the inline parser, the splitter and the
// joiner, segment preparation, the format layer's inline nodes and the XML writer. Each must
// finish with the right output (or a clean domain error); how fast is bench/hostile.ts's job.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import { inlineNodes, inlineText, XHTML_INLINE } from '../../src/formats/inline.ts'
import { DocumentTooDeepError, el, MAX_XML_DEPTH, serialize, type XmlElement } from '../../src/formats/xml.ts'
import { type Atom, codepointLength, GOOGLE_LIMITS, joinPieces, renderAtoms, splitAtoms, UntranslatableSegmentError } from '../../src/translation/batching.ts'
import { EMPTY_GLOSSARY, findTerms, prepareGlossary } from '../../src/translation/glossary.ts'
import { htmlToStored, INLINE_LIMITS, inlineMarkupProblem, inlineMarkupSize, parseInline, tokensToStored } from '../../src/translation/inline-markup.ts'
import { prepareSegment } from '../../src/translation/prepare-segment.ts'
import { segmentContent } from '../../src/translation/segments.ts'

const DEEP = 100_000
const nested = (depth: number, tag = 'b', text = 'ب'): string => `<${tag}>`.repeat(depth) + text + `</${tag}>`.repeat(depth)
const sentence = (i: number): string => `قالت الوكالة في بيانها رقم ${i} إن المحادثات ستستمر.`

/** About 1 MB of UTF-8: Arabic sentences, some in bold or linked, as one paragraph. */
function megabyteParagraph (): string {
  const parts: string[] = []
  let bytes = 0
  for (let i = 0; bytes < 1_000_000; i++) {
    const s = i % 7 === 0 ? `<b>${sentence(i)}</b>` : i % 11 === 0 ? `<a href="https://e.example/${i}?a=1&b=2">${sentence(i)}</a>` : sentence(i)
    parts.push(s)
    bytes += Buffer.byteLength(s) + 1
  }
  return parts.join(' ')
}

const MB = megabyteParagraph()

describe('inline parser on hostile input', () => {
  it('pairs 100,000 nested tags and gives the paragraph back unchanged', () => {
    const text = nested(DEEP)
    const tokens = parseInline(text)
    assert.equal(tokens.length, 2 * DEEP + 1)
    assert.deepEqual(tokens[0], { kind: 'open', tag: 'b' })
    assert.deepEqual(tokens[DEEP], { kind: 'text', text: 'ب' })
    assert.equal(tokensToStored(tokens), text)
    assert.deepEqual(inlineMarkupSize(text), { depth: DEEP, tags: 2 * DEEP, markupChars: 7 * DEEP })
  })

  it('leaves 50,000 unmatched closers inside 50,000 open tags as text', () => {
    // The old parser scanned the whole stack for every closer without an opener: 2.5·10^9 steps.
    const text = '<b>'.repeat(50_000) + '</i>'.repeat(50_000)
    assert.deepEqual(parseInline(text), [{ kind: 'text', text }])
  })

  it('parses a 1 MB paragraph and its plain text keeps every sentence', () => {
    const tokens = parseInline(MB)
    assert.equal(tokensToStored(tokens), MB)
    const plain = inlineText(MB)
    assert.equal(plain, MB.replace(/<[^>]*>/g, ''))
    assert.equal(inlineMarkupProblem(MB), `holds ${inlineMarkupSize(MB).tags} inline tags; at most ${INLINE_LIMITS.tags} are allowed`)
  })

  it('reads an engine answer of 100,000 nested tags and a megabyte of whitespace', () => {
    assert.equal(htmlToStored(nested(DEEP), true), nested(DEEP))
    const spaces = `${' '.repeat(1_000_000)}<b style="direction:ltr">x</b>`
    assert.equal(htmlToStored(spaces, true), `${' '.repeat(1_000_000)}<b>x</b>`)
  })

  it('refuses markup over the ingest limits and accepts it at the limit', () => {
    assert.equal(inlineMarkupProblem(nested(INLINE_LIMITS.depth)), null)
    assert.match(inlineMarkupProblem(nested(INLINE_LIMITS.depth + 1)) ?? '', /nests 33 levels deep; at most 32/)
    assert.match(inlineMarkupProblem(nested(DEEP)) ?? '', /nests 100000 levels deep/)
    assert.match(inlineMarkupProblem(`<a href="https://e.example/${'x&'.repeat(2000)}">t</a>`) ?? '', /characters of inline tags; at most 8192/)
  })
})

describe('splitter and joiner on hostile input', () => {
  it('refuses a segment nested 100,000 deep with a permanent error instead of exhausting memory', () => {
    const atoms: Atom[] = [
      ...Array.from({ length: DEEP }, (): Atom => ({ kind: 'open', tag: 'b' })),
      { kind: 'text', text: 'ب' },
      ...Array.from({ length: DEEP }, (): Atom => ({ kind: 'close', tag: 'b' })),
    ]
    assert.throws(() => splitAtoms(atoms, true, GOOGLE_LIMITS.maxCodepoints), (err: unknown) =>
      err instanceof UntranslatableSegmentError && err.code === 3 && /nested \d+ deep/.test(err.message))
  })

  it('cuts a 1 MB paragraph into request-sized, balanced pieces and joins them back exactly', () => {
    const atoms = prepareSegment({ field: 'paragraph', index: 0, text: MB, markup: true },
      { sourceLanguage: 'ar', targetLanguage: 'en', engine: 'test', glossary: EMPTY_GLOSSARY, plainTextOnly: false }).atoms
    const whole = renderAtoms(atoms, true)
    const { pieces, seams } = splitAtoms(atoms, true, GOOGLE_LIMITS.maxCodepoints)
    assert.ok(pieces.length >= 15, `${pieces.length} pieces`)
    for (const piece of pieces) {
      assert.ok(codepointLength(piece) <= GOOGLE_LIMITS.maxCodepoints)
      assert.equal((piece.match(/<(a|b)\b/g) ?? []).length, (piece.match(/<\/(a|b)>/g) ?? []).length)
    }
    assert.equal(joinPieces(pieces, seams), whole)
  })

  it('carries 32 nested tags across every cut of a 1 MB paragraph', () => {
    const text = Array.from({ length: 25_000 }, (_, i) => sentence(i)).join(' ')
    const atoms: Atom[] = [
      ...Array.from({ length: 32 }, (_, i): Atom => ({ kind: 'open', tag: i % 2 === 0 ? 'b' : 'i' })),
      { kind: 'text', text },
      ...Array.from({ length: 32 }, (_, i): Atom => ({ kind: 'close', tag: i % 2 === 0 ? 'i' : 'b' })),
    ]
    const { pieces, seams } = splitAtoms(atoms, true, GOOGLE_LIMITS.maxCodepoints)
    assert.ok(pieces.every((p) => p.startsWith('<b><i><b>') && p.endsWith('</b></i></b>')))
    assert.equal(joinPieces(pieces, seams), renderAtoms(atoms, true))
  })

  it('cuts a 1 MB word by codepoints', () => {
    const word = 'ب'.repeat(1_000_000)
    const { pieces, seams } = splitAtoms([{ kind: 'text', text: word }], true, GOOGLE_LIMITS.maxCodepoints)
    assert.equal(pieces.length, Math.ceil(1_000_000 / GOOGLE_LIMITS.maxCodepoints))
    assert.equal(joinPieces(pieces, seams), word)
  })
})

describe('segmenter and glossary on hostile input', () => {
  it('segments and prepares a story with a 100,000-deep paragraph and a 1 MB one', () => {
    const content: ArticleContent = { headline: 'عنوان', paragraphs: [nested(DEEP), MB], language: 'ar' }
    const segments = segmentContent(content)
    assert.deepEqual(segments.map((s) => [s.field, s.markup]), [['headline', false], ['paragraph', true], ['paragraph', true]])
    const ctx = { sourceLanguage: 'ar', targetLanguage: 'en', engine: 'test', glossary: EMPTY_GLOSSARY, plainTextOnly: false }
    const deep = prepareSegment(segments[1]!, ctx)
    assert.equal(deep.atoms.length, 2 * DEEP + 1)
    const plain = prepareSegment(segments[1]!, { ...ctx, plainTextOnly: true })
    assert.deepEqual(plain.atoms, [{ kind: 'text', text: 'ب' }])
  })

  it('finds a term repeated through a 1 MB word without walking back over the word each time', () => {
    const glossary = prepareGlossary({ version: 1, entries: [{ id: 'g1', term: 'ناتو', sourceLanguage: 'ar', translations: { en: 'NATO' }, doNotTranslate: false, createdAt: '', updatedAt: '' }] }, 'ar')
    const word = 'ناتو'.repeat(250_000)
    // Inside one word the term is never a whole word: no match, and no quadratic walk to find that out.
    assert.deepEqual(findTerms(word, glossary, 'en'), [])
    const spaced = Array.from({ length: 100_000 }, () => 'والناتو').join(' ')
    assert.equal(findTerms(spaced, glossary, 'en').length, 100_000)
  })
})

describe('format layer on hostile input', () => {
  it('turns 100,000 nested tags into nodes, and the writer refuses the document cleanly', () => {
    const nodes = inlineNodes(nested(DEEP), XHTML_INLINE)
    const p = el('p', {}, nodes)
    assert.throws(() => serialize(p), (err: unknown) => err instanceof DocumentTooDeepError && err.limit === MAX_XML_DEPTH)
  })

  it('writes the deepest document it allows, exactly, and refuses one level more', () => {
    let tree: XmlElement = el('e', {}, 'x')
    for (let i = 1; i < MAX_XML_DEPTH; i++) tree = el('e', {}, tree)
    assert.equal(serialize(tree), '<e>'.repeat(MAX_XML_DEPTH) + 'x' + '</e>'.repeat(MAX_XML_DEPTH))
    assert.equal(serialize(tree, { pretty: true }).split('\n').length, 2 * MAX_XML_DEPTH)
    assert.throws(() => serialize(el('root', {}, tree)), DocumentTooDeepError)
  })

  it('writes a 1 MB paragraph with its markup as elements', () => {
    const xml = serialize(el('p', {}, inlineNodes(MB, XHTML_INLINE)))
    assert.equal(xml.replace(/<[^>]*>/g, ''), inlineText(MB).replaceAll('&', '&amp;'))
    assert.equal((xml.match(/<b>/g) ?? []).length, (MB.match(/<b>/g) ?? []).length)
    assert.equal((xml.match(/<a href="https:\/\/e\.example\/\d+\?a=1&amp;b=2">/g) ?? []).length, (MB.match(/<a /g) ?? []).length)
  })
})
