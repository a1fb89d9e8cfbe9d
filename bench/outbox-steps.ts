// npm run bench:outbox-steps — prints figures, asserts nothing.
// What one push delivery costs the SQLite storage alone (no HTTP, no engine, no signing): 500
// push subscribers, then stories fanned out to all of them `--queued` at a time (default 20, as
// bench:delivery posts; a 10 KB document each, shared, as a rendering is), sent as the delivery
// loop does: at most 50 in flight, attempts recorded in batches of `--record` (default 32: the
// service in bench:delivery records ~35 at a time) by a transaction that also claims what fills
// the slots they free. Prints µs per delivery for the fan-out (distribute) and for
// claiming and recording, then WAL frames (pages written) per delivery over `--queued` more
// stories, and for each step the tables and indexes whose pages they were (the top five).
// Compare a change with the code before it in alternating runs. `--stories N` (default 40; the
// first group warms up); OUTBOX_DDL='…' runs SQL on the migrated database first, to try an index
// change without a migration. Everything is bounded; the database is temporary.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { contentHash, normalizeArticle } from '../src/articles/normalize.ts'
import { openSqliteStorage } from '../src/storage/sqlite.ts'
import type { ClaimedDelivery, Storage, SubscriberWithSecret } from '../src/storage/types.ts'
import { storyTemplate } from './processes.ts'
import { walFrameCounter } from './wal-frames.ts'

const arg = (name: string, fallback: number): number =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback
const SUBSCRIBERS = 500
const STORIES = arg('--stories', 40)
// Stories fanned out before each drain: bench:delivery posts 20 at once.
const QUEUED = arg('--queued', 20)
const IN_FLIGHT = 50
const RECORD_BATCH = arg('--record', 32)
const BODY = `<item>${'خبر عاجل من العاصمة. '.repeat(300)}</item>`

const { story } = await storyTemplate()
const iso = (): string => new Date().toISOString()
const lease = (): string => new Date(Date.now() + 60_000).toISOString()

function subscriber (n: number): SubscriberWithSecret {
  const at = iso()
  return {
    id: `s${n}`,
    name: `S${n}`,
    mode: 'push',
    url: `http://127.0.0.1:9/s${n}`,
    format: 'newsml-g2',
    languages: ['en'],
    filters: {},
    active: true,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
    secret: `whsec_bench_${n}`
  }
}

/** One story through ingest, translation and distribution to every subscriber: µs of distribute. */
/** Wraps a storage call (a frame counter); the label says which step it is. */
type Each = <T>(label: string, run: () => Promise<T>) => Promise<T>
const direct: Each = (_label, run) => run()

async function fanOut (storage: Storage, n: number, each: Each = direct): Promise<number> {
  const content = normalizeArticle(story(n) as Parameters<typeof normalizeArticle>[0])
  await storage.ingestVersion({ guid: `urn:outbox:${n}`, contentHash: contentHash(content) + n, content, now: iso() })
  const claimed = await storage.claimVersionForTranslation(iso(), lease())
  if (claimed === null) throw new Error('nothing to translate')
  await storage.saveTranslations(claimed.id, [], iso())
  const ready = await storage.claimVersionForDistribution(iso(), lease())
  if (ready === null) throw new Error('nothing to distribute')
  const deliveries = Array.from({ length: SUBSCRIBERS }, (_, s) =>
    ({ subscriberId: `s${s}`, lang: 'en', format: 'newsml-g2', contentType: 'application/vnd.iptc.g2.newsitem+xml', body: BODY }))
  const started = performance.now()
  await each('fan-out', () => storage.distribute(ready.id, deliveries, iso()))
  return (performance.now() - started) * 1000
}

/** Sends everything queued as the delivery loop does: µs of claiming and recording, and how many. */
async function drain (storage: Storage, each: Each = direct): Promise<{ send: number; sent: number }> {
  const inFlight: ClaimedDelivery[] = []
  let send = 0
  let sent = 0
  for (;;) {
    const done = inFlight.splice(0, RECORD_BATCH)
    const at = iso()
    const started = performance.now()
    const items = done.map((d) => ({
      deliveryId: d.id,
      attempt: { at, statusCode: 204, durationMs: 1, error: null, responseExcerpt: null },
      outcome: { status: 'delivered' as const }
    }))
    // As the loop does: the transaction that records a batch claims what fills the slots it frees;
    // the loop's own claim only starts (or restarts) the queue.
    const next = { now: iso(), leaseUntil: lease(), limit: IN_FLIGHT - inFlight.length }
    const claimed = done.length === 0
      ? await each('claim', () => storage.claimDueDeliveries(next.now, next.leaseUntil, next.limit))
      : (await each('record and claim', () => storage.recordAndClaim(items, next))).claimed
    send += (performance.now() - started) * 1000
    sent += done.length
    inFlight.push(...claimed)
    if (inFlight.length === 0 && done.length === 0) break
  }
  return { send, sent }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-outbox-steps-'))
const file = path.join(dir, 'outbox.db')
const storage = openSqliteStorage(file)
try {
  await storage.migrate()
  if (process.env['OUTBOX_DDL'] !== undefined) {
    const side = new DatabaseSync(file)
    side.exec(process.env['OUTBOX_DDL'])
    side.close()
  }
  for (let s = 0; s < SUBSCRIBERS; s++) await storage.createSubscriber(subscriber(s))
  const totals = { distribute: 0, send: 0, sent: 0 }
  // QUEUED stories at a time, each subscriber's queue as deep as in bench:delivery; the first group warms up.
  for (let n = 0; n < STORIES; n += QUEUED) {
    let distribute = 0
    for (let k = n; k < n + QUEUED; k++) distribute += await fanOut(storage, k)
    const { send, sent } = await drain(storage)
    if (n === 0) continue
    totals.distribute += distribute
    totals.send += send
    totals.sent += sent
  }
  // Pages written: one more group of stories, each storage call's WAL frames counted (wal-frames.ts).
  const counter = walFrameCounter(file)
  let counted = 0
  let byBtree = new Map<string, Map<string, number>>()
  try {
    const counting: Each = (label, run) => counter.count(run, label)
    for (let k = 0; k < QUEUED; k++) await fanOut(storage, STORIES + k, counting)
    counted = (await drain(storage, counting)).sent
    byBtree = counter.byBtree()
  } finally {
    counter.close()
  }
  const per = (us: number): string => (us / totals.sent).toFixed(1)
  console.log(`${totals.sent} deliveries (after ${QUEUED * SUBSCRIBERS} to warm up), µs per delivery: distribute ${per(totals.distribute)}, ` +
    `claim and record ${per(totals.send)}, total ${per(totals.distribute + totals.send)}; WAL frames per delivery ${(counter.frames / counted).toFixed(2)} (over ${counted})`)
  for (const [step, counts] of byBtree) {
    const frames = [...counts.values()].reduce((a, b) => a + b, 0)
    const top = [...counts].slice(0, 5).map(([name, n]) => `${name} ${(n / counted).toFixed(2)}`).join(', ')
    console.log(`  ${step}: ${(frames / counted).toFixed(2)} frames per delivery (${top})`)
  }
} finally {
  await storage.close()
  await rm(dir, { recursive: true, force: true })
}
