// npm run bench:formats — prints figures, asserts nothing.
// Renders per second of every format (and format version) for a 1,500-word article, in Arabic
// and in an English translation, and how many times slower each is than JSON.stringify of the
// same stored content in the same run (for newsml-g2-message, which carries the original and the
// translation together, that is the version and its translations). Each figure is the best of
// three rounds, the format and JSON.stringify alternating, so other load on the machine skews
// both alike. Target: every format within 10x of JSON.stringify.
//
// The Arabic text comes from ../shared/samples when it is there (read, never copied into the
// repository); otherwise the project's own fixture paragraphs are repeated to length.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { StoredTranslation, StoredVersion } from '../src/articles/types.ts'
import { type FormatInput, formatNames, formatVersions, getFormat } from '../src/formats/registry.ts'
import { storyFixture } from '../test/fixtures/articles/stories.ts'

const WORDS = 1_500
const MIN_MS = 250
const samplesDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'samples')

async function arabicParagraphs (): Promise<{ paragraphs: string[]; source: string }> {
  const files = (await readdir(samplesDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort()
  const pool: string[] = []
  for (const file of files) {
    const sample = JSON.parse(await readFile(path.join(samplesDir, file), 'utf8')) as { body?: unknown }
    if (typeof sample.body === 'string') pool.push(...sample.body.split('\n').map((p) => p.trim()).filter((p) => p !== ''))
  }
  if (pool.length > 0) return { paragraphs: toLength(pool), source: `${files.length} sample articles in ../shared/samples` }
  return { paragraphs: toLength(storyFixture('jerash-olives-v1').version.content.paragraphs), source: 'fixture paragraphs, repeated' }
}

/** Paragraphs taken in order (repeating if needed) until they hold WORDS words. */
function toLength (pool: readonly string[]): string[] {
  const out: string[] = []
  let words = 0
  for (let i = 0; words < WORDS; i++) {
    const paragraph = pool[i % pool.length]!
    out.push(paragraph)
    words += paragraph.split(/\s+/u).filter((w) => w !== '').length
  }
  return out
}

/** Runs fn for at least MIN_MS (after a warm-up) and returns calls per second. */
function perSecond (fn: () => unknown): number {
  for (let i = 0; i < 200; i++) fn()
  let calls = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < MIN_MS) {
    for (let i = 0; i < 50; i++) fn()
    calls += 50
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  return calls / (elapsed / 1000)
}

async function main (): Promise<void> {
  const { paragraphs, source } = await arabicParagraphs()
  const fixture = storyFixture('jerash-olives-v1')
  const version: StoredVersion = { ...fixture.version, content: { ...fixture.version.content, paragraphs } }
  const english = fixture.translations.find((t) => t.lang === 'en')!
  const translation: StoredTranslation = { ...english, paragraphs: toLength(english.paragraphs) }
  const words = paragraphs.join(' ').split(/\s+/u).length
  console.log(`bench:formats — ${words} Arabic words in ${paragraphs.length} paragraphs (${source}); node ${process.version}`)
  console.log('format              version  lang  renders/s   JSON.stringify/s  x slower than JSON  within 10x')

  let worst = 0
  for (const lang of ['ar', 'en'] as const) {
    const input: FormatInput = {
      version,
      translation: lang === 'ar' ? null : translation,
      translations: [translation],
      provider: { name: 'Nashra', uri: 'https://nashra.example/' },
    }
    for (const format of formatNames()) {
      const article = format === 'newsml-g2-message'
        ? { version, translations: [translation] }
        : lang === 'ar' ? version : { version, translation }
      for (const formatVersion of formatVersions(format)) {
        const render = getFormat(format, formatVersion)!
        let json = 0
        let rate = 0
        for (let round = 0; round < 3; round++) {
          json = Math.max(json, perSecond(() => JSON.stringify(article)))
          rate = Math.max(rate, perSecond(() => render(input)))
        }
        const ratio = json / rate
        worst = Math.max(worst, ratio)
        console.log(`${format.padEnd(20)}${formatVersion.padEnd(9)}${lang.padEnd(6)}${rate.toFixed(0).padStart(9)}   ${json.toFixed(0).padStart(16)}  ${ratio.toFixed(2).padStart(18)}  ${ratio <= 10 ? 'yes' : 'NO'}`)
      }
    }
  }
  console.log(`slowest format: ${worst.toFixed(2)}x JSON.stringify (target: at most 10x)`)
}

await main()
