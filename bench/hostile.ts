// npm run bench:hostile — prints figures, asserts nothing.
// Issue 10: the work on a paragraph must grow linearly with its size whatever it holds. For each
// component that walks inline markup (the parser, segment preparation plus the splitter and the
// joiner, the format layer plus the XML writer, and reading an engine's html answer back) and each
// shape of paragraph (prose with bold and links, one tag nesting as deep as the size allows, one
// word without a space), it times one operation at 10 KB, 100 KB and 1 MB and prints the ratios
// 100 KB / 10 KB and 1 MB / 10 KB: linear work gives about 10 and 100 (super-linear work gave
// thousands, or never finished). Each figure is the median of five rounds; in each round the three
// sizes run one after the other, each for at least MIN_MS after a warm-up, so load on the machine
// skews all sizes alike. Operations that refuse their input (nesting no engine request can carry,
// documents deeper than XML parsers accept) are timed until they refuse: refusing must be linear too.
//
// The prose comes from ../shared/samples when it is there (read, never copied into the repository);
// otherwise from the project's fixture paragraphs.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { inlineNodes, XHTML_INLINE } from '../src/formats/inline.ts'
import { el, serialize } from '../src/formats/xml.ts'
import { GOOGLE_LIMITS, joinPieces, splitAtoms } from '../src/translation/batching.ts'
import { EMPTY_GLOSSARY } from '../src/translation/glossary.ts'
import { htmlToStored, parseInline } from '../src/translation/inline-markup.ts'
import { prepareSegment } from '../src/translation/prepare-segment.ts'
import { storyFixture } from '../test/fixtures/articles/stories.ts'

const SIZES = [10_000, 100_000, 1_000_000] as const
const ROUNDS = 5
const MIN_MS = 150
const samplesDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'samples')

async function sentences (): Promise<{ sentences: string[]; source: string }> {
  const files = (await readdir(samplesDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort()
  const pool: string[] = []
  for (const file of files) {
    const sample = JSON.parse(await readFile(path.join(samplesDir, file), 'utf8')) as { body?: unknown }
    if (typeof sample.body === 'string') pool.push(...sample.body.split(/(?<=[.!؟])\s+/u).map((s) => s.trim()).filter((s) => s !== ''))
  }
  if (pool.length > 0) return { sentences: pool, source: `${files.length} sample articles in ../shared/samples` }
  return { sentences: storyFixture('jerash-olives-v1').version.content.paragraphs, source: 'fixture paragraphs' }
}

/** Prose of about `bytes` UTF-8 bytes: every third sentence in bold, every seventh a link. */
function prose (pool: string[], bytes: number): string {
  const parts: string[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const s = pool[i % pool.length]!
    const marked = i % 3 === 0 ? `<b>${s}</b>` : i % 7 === 0 ? `<a href="https://example.com/${i}?a=1&b=2">${s}</a>` : s
    parts.push(marked)
    size += Buffer.byteLength(marked) + 1
  }
  return parts.join(' ')
}

const nested = (bytes: number): string => {
  const depth = Math.floor(bytes / 7)
  return `${'<b>'.repeat(depth)}ب${'</b>'.repeat(depth)}`
}
const word = (bytes: number): string => 'ب'.repeat(Math.floor(bytes / 2))

const ctx = { sourceLanguage: 'ar', targetLanguage: 'en', engine: 'bench', glossary: EMPTY_GLOSSARY, plainTextOnly: false }

/** Runs op, swallowing the refusals the components are built to make. */
function attempt (op: () => unknown): void {
  try {
    op()
  } catch (err) {
    if (!/nested|nests|does not fit/.test((err as Error).message)) throw err
  }
}

const COMPONENTS: Record<string, (paragraph: string) => unknown> = {
  'parse inline markup': (p) => parseInline(p),
  // The splitter is called at every size (the pipeline calls it only above 30,000 code points), so
  // all three sizes do the same work and the ratios compare like with like.
  'prepare + split + join': (p) => {
    const { atoms } = prepareSegment({ field: 'paragraph', index: 0, text: p, markup: true }, ctx)
    const { pieces, seams } = splitAtoms(atoms, true, GOOGLE_LIMITS.maxCodepoints)
    return joinPieces(pieces, seams)
  },
  'inline nodes + XML writer': (p) => serialize(el('p', {}, inlineNodes(p, XHTML_INLINE))),
  'read engine html back': (p) => htmlToStored(p, true),
}

const collect = (globalThis as { gc?: () => void }).gc

/** Milliseconds per operation: warm-up, then as many runs as fill MIN_MS (garbage of earlier sizes collected first). */
function msPerOp (op: () => void): number {
  op()
  collect?.()
  let runs = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < MIN_MS || runs < 3) {
    op()
    runs++
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  return elapsed / runs
}

const median = (xs: number[]): number => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main (): Promise<void> {
  const { sentences: pool, source } = await sentences()
  const shapes: Record<string, (bytes: number) => string> = { prose: (b) => prose(pool, b), nested, word }
  console.log(`bench:hostile — ms per operation by paragraph size, median of ${ROUNDS} rounds (prose from ${source}); node ${process.version}`)
  console.log('component                   shape     10 KB ms   100 KB ms    1 MB ms   100KB/10KB  1MB/10KB')
  let worst = 0
  for (const [component, fn] of Object.entries(COMPONENTS)) {
    for (const [shape, make] of Object.entries(shapes)) {
      const inputs = SIZES.map((bytes) => make(bytes))
      const rounds: number[][] = SIZES.map(() => [])
      for (let round = 0; round < ROUNDS; round++) {
        inputs.forEach((input, i) => { rounds[i]!.push(msPerOp(() => attempt(() => fn(input)))) })
      }
      const [small, mid, large] = rounds.map(median) as [number, number, number]
      const r1 = mid / small
      const r2 = large / small
      worst = Math.max(worst, r2)
      console.log(`${component.padEnd(27)} ${shape.padEnd(8)} ${small.toFixed(3).padStart(9)} ${mid.toFixed(3).padStart(11)} ` +
        `${large.toFixed(2).padStart(10)} ${r1.toFixed(1).padStart(12)} ${r2.toFixed(1).padStart(9)}`)
    }
  }
  console.log(`largest 1MB/10KB ratio: ${worst.toFixed(1)} (linear: about 100; 100x the input should cost about 100x the time)`)
}

await main()
