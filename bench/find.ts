// npm run bench:find — prints figures, asserts nothing.
// How GET /v1/articles scales: storage.listArticles on a real SQLite file holding BENCH_STORIES
// stories (default 20,000), for each filter. What matters is the ratio to the newest page: a
// page deep in the list (by cursor) or behind a filter that has an index in list order should cost
// about the same as the first page, whatever the size; filters whose matches must be sorted
// (status, headline words) cost in proportion to how many stories match, and the figures say how
// much. Warm-up first, then five rounds alternating the scenarios, 300 pages each; the median
// round is printed.
//
// Headlines are cut from ../shared/samples when it is there (read, never copied into the
// repository); otherwise from the project's fixtures.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { queryTerms } from '../src/articles/search-text.ts'
import { openSqliteStorage } from '../src/storage/sqlite.ts'
import type { ArticleListQuery } from '../src/storage/types.ts'
import { marketPost, summitPost } from '../test/fixtures/articles/post-bodies.ts'

const samplesDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'samples')
const STORIES = Number(process.env['BENCH_STORIES'] ?? 20_000)
const PAGES = 300
const ROUNDS = 5
const CATEGORIES = ['politics', 'economy', 'sport', 'culture', 'weather', 'health']

async function headlinePool (): Promise<{ pool: string[]; source: string }> {
  const files = (await readdir(samplesDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort()
  const pool: string[] = []
  for (const file of files) {
    const sample = JSON.parse(await readFile(path.join(samplesDir, file), 'utf8')) as { body?: unknown }
    if (typeof sample.body !== 'string') continue
    // Every sentence of every paragraph, cut to headline length.
    for (const sentence of sample.body.split(/[\n.،؟!]/u)) {
      const words = sentence.trim().split(/\s+/u).filter((w) => w !== '')
      if (words.length >= 4) pool.push(words.slice(0, 10).join(' '))
    }
  }
  if (pool.length > 0) return { pool, source: `${files.length} sample articles in ../shared/samples` }
  return { pool: [summitPost.headline, marketPost.headline], source: 'the project\'s fixtures' }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main (): Promise<void> {
  const { pool, source } = await headlinePool()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-bench-find-'))
  const storage = openSqliteStorage(path.join(dir, 'nashra.db'))
  try {
    await storage.migrate()
    const start = Date.UTC(2026, 0, 1)
    const t0 = performance.now()
    for (let i = 0; i < STORIES; i++) {
      await storage.ingestVersion({
        guid: `urn:bench:${i}`,
        contentHash: String(i),
        content: { headline: `${pool[i % pool.length]} ${i}`, paragraphs: ['فقرة'], language: 'ar', category: CATEGORIES[i % CATEGORIES.length]! },
        now: new Date(start + i * 1000).toISOString()
      })
    }
    const ingestSeconds = (performance.now() - t0) / 1000

    // A word that occurs in many headlines, and two that occur together in few.
    const counts = new Map<string, number>()
    for (const headline of pool) for (const term of new Set(queryTerms(headline))) counts.set(term, (counts.get(term) ?? 0) + 1)
    const ranked = [...counts].filter(([term]) => term.length >= 3 && !/\d/u.test(term)).sort((a, b) => b[1] - a[1])
    const common = ranked[0]?.[0] ?? 'خبر'
    const rare = queryTerms(pool[Math.floor(pool.length / 2)] ?? 'خبر').slice(0, 2)
    const newest = await storage.listArticles({ limit: 1 })
    const topSeq = newest[0]?.seq ?? STORIES

    const scenarios: Array<[string, Omit<ArticleListQuery, 'limit'>]> = [
      ['newest page', {}],
      ['page 90% down (cursor)', { afterSeq: Math.floor(topSeq * 0.1) }],
      ['category', { category: 'sport' }],
      ['category, 90% down', { category: 'sport', afterSeq: Math.floor(topSeq * 0.1) }],
      ['event=correction (none match)', { event: 'correction' }],
      ['since/until (a tenth of the stories)', { since: new Date(start + STORIES * 500).toISOString(), until: new Date(start + STORIES * 600).toISOString() }],
      ['guid', { guid: `urn:bench:${Math.floor(STORIES / 3)}` }],
      [`q: a common word (${counts.get(common) ?? 0}/${pool.length} headlines)`, { terms: [common] }],
      ['q: two words of one headline', { terms: rare }],
      ['status=received (every story matches)', { status: 'received' }]
    ]
    const perRound = new Map<string, number[]>(scenarios.map(([name]) => [name, []]))
    const run = async (filters: Omit<ArticleListQuery, 'limit'>, pages: number): Promise<number> => {
      const begin = performance.now()
      for (let i = 0; i < pages; i++) await storage.listArticles({ ...filters, limit: 21 })
      return pages / ((performance.now() - begin) / 1000)
    }
    for (const [, filters] of scenarios) await run(filters, 20) // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so no scenario always runs first or last.
      const order = round % 2 === 0 ? scenarios : [...scenarios].reverse()
      for (const [name, filters] of order) perRound.get(name)!.push(await run(filters, PAGES))
    }

    const base = median(perRound.get('newest page')!)
    console.log(`bench:find — ${STORIES} stories (headlines from ${source}), SQLite, ${PAGES} pages of 21 × ${ROUNDS} rounds, median`)
    console.log(`ingest: ${(STORIES / ingestSeconds).toFixed(0)} stories/s (one transaction each, search terms included)`)
    console.log(`${'scenario'.padEnd(52)} ${'pages/s'.padStart(9)} ${'vs newest'.padStart(10)}`)
    for (const [name] of scenarios) {
      const rate = median(perRound.get(name)!)
      console.log(`${name.padEnd(52)} ${rate.toFixed(0).padStart(9)} ${(rate / base).toFixed(3).padStart(10)}`)
    }
  } finally {
    await storage.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
