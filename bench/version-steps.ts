// npm run bench:version-steps — prints figures, asserts nothing.
// What each pipeline step of one version costs the SQLite storage alone (no HTTP, no engine, no
// deliveries): 10,000 stories (the 3.9 KB sample, or generated Arabic text without it) are
// ingested, then 2,000 times a version is claimed for translation, its translation saved, claimed
// for distribution and distributed (to no subscriber). Prints µs per step, then WAL frames
// (pages written) per step over 200 more versions (wal-frames.ts).
// `--stories N`, `--versions N` change the sizes. Everything is bounded; the database is temporary.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { contentHash, normalizeArticle } from '../src/articles/normalize.ts'
import type { StoredTranslation } from '../src/articles/types.ts'
import { openSqliteStorage } from '../src/storage/sqlite.ts'
import type { Storage } from '../src/storage/types.ts'
import { storyTemplate } from './processes.ts'
import { walFrameCounter } from './wal-frames.ts'

const arg = (name: string, fallback: number): number =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback
const STORIES = arg('--stories', 10_000)
const VERSIONS = arg('--versions', 2_000)
const FRAME_VERSIONS = 200
const STEPS = ['claim', 'saveTranslations', 'claimForDistribution', 'distribute'] as const
type Step = (typeof STEPS)[number]

const { story } = await storyTemplate()
const contentOf = (n: number) => normalizeArticle(story(n) as Parameters<typeof normalizeArticle>[0])
const sample = contentOf(0)
const translation = (versionId: string, at: string): StoredTranslation => ({
  versionId,
  lang: 'en',
  headline: 'Leaders meet at the summit',
  paragraphs: sample.paragraphs.map(() => 'An English paragraph of about the length a translated one of this story has.'),
  engine: 'emulator',
  model: 'nmt',
  charsSent: 0,
  requests: 0,
  createdAt: at
})

async function ingest (storage: Storage): Promise<number> {
  const at = new Date(Date.now() - 60_000).toISOString()
  const started = performance.now()
  // In groups of 25, as posts arriving together are (they share a transaction).
  for (let n = 0; n < STORIES; n += 25) {
    await Promise.all(Array.from({ length: Math.min(25, STORIES - n) }, (_, k) => {
      const content = contentOf(n + k)
      return storage.ingestVersion({ guid: `urn:bench:${n + k}`, contentHash: contentHash(content) + (n + k), content, now: at })
    }))
  }
  return (performance.now() - started) * 1000 / STORIES
}

/** Runs the four steps on the next version; `each` wraps every step (a timer, a frame counter). */
async function oneVersion (storage: Storage, each: (step: Step, run: () => Promise<unknown>) => Promise<unknown>): Promise<boolean> {
  const iso = () => new Date().toISOString()
  const lease = () => new Date(Date.now() + 60_000).toISOString()
  const claimed = await each('claim', () => storage.claimVersionForTranslation(iso(), lease())) as { id: string } | null
  if (claimed === null) return false
  await each('saveTranslations', () => storage.saveTranslations(claimed.id, [translation(claimed.id, iso())], iso()))
  const ready = await each('claimForDistribution', () => storage.claimVersionForDistribution(iso(), lease())) as { id: string } | null
  if (ready !== null) await each('distribute', () => storage.distribute(ready.id, [], iso()))
  return true
}

const zero = (): Record<Step, number> => ({ claim: 0, saveTranslations: 0, claimForDistribution: 0, distribute: 0 })

const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-version-steps-'))
const file = path.join(dir, 'steps.db')
const storage = openSqliteStorage(file)
try {
  await storage.migrate()
  const ingestUs = await ingest(storage)

  const micros = zero()
  let done = 0
  for (let i = 0; i < VERSIONS; i++) {
    const more = await oneVersion(storage, async (step, run) => {
      const started = performance.now()
      const result = await run()
      micros[step] += (performance.now() - started) * 1000
      return result
    })
    if (!more) break
    done++
  }

  const counter = walFrameCounter(file)
  const frames = zero()
  let counted = 0
  try {
    for (let i = 0; i < FRAME_VERSIONS; i++) {
      const more = await oneVersion(storage, async (step, run) => {
        const before = counter.frames
        const result = await counter.count(run)
        frames[step] += counter.frames - before
        return result
      })
      if (!more) break
      counted++
    }
  } finally {
    counter.close()
  }

  console.log(`${STORIES} stories ingested (${(ingestUs).toFixed(0)} µs each, in groups of 25); ${done} versions timed, ${counted} counted`)
  console.log('step                   µs/version  WAL frames/version')
  for (const step of STEPS) {
    console.log(`${step.padEnd(22)} ${(micros[step] / done).toFixed(0).padStart(10)}  ${(frames[step] / counted).toFixed(1).padStart(18)}`)
  }
  const total = STEPS.reduce((sum, s) => sum + micros[s], 0) / done
  const totalFrames = STEPS.reduce((sum, s) => sum + frames[s], 0) / counted
  console.log(`${'all four'.padEnd(22)} ${total.toFixed(0).padStart(10)}  ${totalFrames.toFixed(1).padStart(18)}`)
} finally {
  await storage.close()
  await rm(dir, { recursive: true, force: true })
}
