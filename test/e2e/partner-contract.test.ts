// The partner contract (README, "The partner contract"), played as partners live it, on real
// ports: a story goes new → update → correction → kill → re-post while a push partner fails,
// recovers and is replayed, a pull partner pages its feed, and a newsMessage partner gets one
// message per version. For each: order, no unexplained gap, webhook ids, kills without text, no
// resurrection.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { it } from 'node:test'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { type Received, startSink } from '../helpers/sink.ts'
import { type Stack, startStack } from '../helpers/stack.ts'

const header = (r: Received, name: string): string => String(r.headers[name])
const sequences = (rs: Received[]): number[] => rs.map((r) => Number(header(r, 'x-nashra-sequence')))
const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

// Every text a story version carried, as a partner saw it: headlines and paragraphs.
function textsOf (ninjs: { headlines?: Array<{ value: string }>; bodies?: Array<{ value: string }> }): string[] {
  const paragraphs = (ninjs.bodies ?? []).flatMap((b) => [...b.value.matchAll(/<p[^>]*>([^<]+)<\/p>/g)].map((m) => m[1]!))
  return [...(ninjs.headlines ?? []).map((h) => h.value), ...paragraphs]
}

async function distributed (stack: Stack, id: string, version: number): Promise<void> {
  await eventually(async () => {
    const view = (await stack.api('GET', `/v1/articles/${id}`)).json
    return view.version === version && view.status === 'distributed' ? true : undefined
  }, 20_000, `version ${version} distributed`)
}

const TITLE = 'keeps the partner contract through new, update, correction, kill and re-post, failure, recovery and replay'

it(`${TITLE} (SQLite)`, () => playContract({}))

// The same play on PostgreSQL, in a schema of its own, when a server is there (test/storage/pg.test.ts
// is the suite that insists on one under CI).
const pgUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `nashra_partner_${randomBytes(6).toString('hex')}`
const withClient = async (sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try { await client.query(sql) } finally { await client.end() }
}
const pgMissing = await withClient(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`).then(() => null, (err: Error) => err.message || String(err))
it(`${TITLE} (PostgreSQL)`, { skip: pgMissing ?? false }, async () => {
  const url = new URL(pgUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  try {
    await playContract({ DATABASE_URL: url.toString() })
  } finally {
    await withClient(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`)
  }
})

async function playContract (env: Record<string, string>): Promise<void> {
  const retries = Array.from({ length: 60 }, () => '150ms').join(',')
  const stack = await startStack({ DELIVERY_RETRY_SCHEDULE: retries, ...env })
  const pushSink = await startSink()
  const messageSink = await startSink()
  try {
    const since = new Date(Date.now() - 1000).toISOString()
    // Push partner: ninjs, the Arabic original and English. It answers 503 while `failing`.
    let failing = false
    const accepted: Received[] = []
    pushSink.respond((_, req) => {
      if (failing) return 503
      accepted.push(req)
      return 204
    })
    const push = (await stack.api('POST', '/v1/subscribers', { name: 'Push desk', url: pushSink.url, format: 'ninjs', languages: ['ar', 'en'] })).json
    const pull = (await stack.api('POST', '/v1/subscribers', { name: 'Pull desk', mode: 'pull', format: 'ninjs', languages: ['en'] })).json
    const message = (await stack.api('POST', '/v1/subscribers', {
      name: 'Message desk', url: messageSink.url, format: 'newsml-g2-message', languages: ['en', 'fr']
    })).json
    const pullKey = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'pull', subscriberId: pull.id })).json.key

    // new: everyone gets it.
    const v1 = await stack.api('POST', '/v1/articles', summitPost)
    assert.equal(v1.status, 202, v1.text)
    const id = v1.json.id
    await eventually(async () => (accepted.length === 2 ? true : undefined), 20_000, 'version 1 in ar and en')

    // update and correction while the push partner is down; then the kill.
    failing = true
    const update = { ...summitPost, headline: 'قادة المنظمة يقرون خطة أمن الحدود بالإجماع' }
    assert.equal((await stack.api('POST', '/v1/articles', update)).json.version, 2)
    await distributed(stack, id, 2)
    await pushSink.waitFor(3, 20_000)
    const correction = { ...update, body: `${summitPost.body}\nوصُحح رقم الميزانية في هذه النسخة.`, correction: true }
    assert.equal((await stack.api('POST', '/v1/articles', correction)).json.version, 3)
    await distributed(stack, id, 3)
    // The newsMessage partner has the correction before the kill is posted: a kill cancels what was
    // never sent (by design), so on a slow machine the correction could otherwise be withdrawn.
    await messageSink.waitFor(3, 20_000)
    const kill = await stack.api('POST', `/v1/articles/${id}/kill`)
    assert.equal(kill.status, 202, kill.text)
    assert.equal(kill.json.version, 4)
    await distributed(stack, id, 4)

    // re-post: a CMS re-save of any earlier content does not bring the story back.
    for (const body of [summitPost, correction]) {
      const again = await stack.api('POST', '/v1/articles', body)
      assert.equal(again.status, 409, again.text)
      assert.equal(again.json.code, 'NASHRA_STORY_KILLED')
      assert.equal(again.json.killVersion, 4)
    }
    assert.equal((await stack.api('GET', `/v1/articles/${id}`)).json.version, 4, 'nothing was stored')

    // The push partner recovers: what it was sent comes in order, numbered without a gap.
    failing = false
    const pending = async (subscriberId: string) =>
      (await stack.api('GET', `/v1/subscribers/${subscriberId}/deliveries?status=pending`)).json.deliveries.length
    await eventually(async () => (await pending(push.id) === 0 ? true : undefined), 20_000, 'the push queue to drain')
    const firstPass = accepted.slice()
    assert.deepEqual(sequences(firstPass), oneToN(firstPass.length), 'push: 1, 2, 3 … in arrival order')
    const verifier = new Webhook(push.secret)
    for (const r of pushSink.received) verifier.verify(r.body, r.headers as Record<string, string>)
    assert.equal(new Set(firstPass.map((r) => header(r, 'webhook-id'))).size, firstPass.length, 'one webhook-id per message')
    assert.ok(firstPass.every((r) => r.headers['x-nashra-replay'] === undefined))

    // Version order per language, the kill last, nothing after it, and the kill says nothing.
    const seen: string[] = []
    for (const lang of ['ar', 'en']) {
      const mine = firstPass.filter((r) => header(r, 'content-language') === lang)
      const versions = mine.map((r) => Number(header(r, 'x-nashra-version')))
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `${lang}: versions in order`)
      assert.equal(header(mine.at(-1)!, 'x-nashra-event'), 'kill', `${lang}: the kill comes last`)
      for (const r of mine.slice(0, -1)) seen.push(...textsOf(JSON.parse(r.body)))
    }
    for (const r of firstPass.filter((x) => header(x, 'x-nashra-event') === 'kill')) {
      const doc = JSON.parse(r.body)
      assert.equal(doc.pubStatus, 'canceled')
      assert.match(doc.edNote, /withdrawn/)
      for (const text of [...seen, summitPost.headline, update.headline, summitPost.byline]) {
        assert.ok(!r.body.includes(text), `the kill repeats "${text}"`)
      }
    }
    // What never left (version 2 en, version 3) was canceled by the kill and took no number.
    const list = (await stack.api('GET', `/v1/subscribers/${push.id}/deliveries?limit=100`)).json.deliveries
    const canceled = list.filter((d: { status: string }) => d.status === 'canceled')
    assert.ok(canceled.length >= 2, 'queued versions were withdrawn')
    for (const d of canceled) assert.deepEqual([d.sequence, d.lastError], [null, 'superseded by a kill'])
    assert.deepEqual(list.filter((d: { sequence: number | null }) => d.sequence !== null).map((d: { sequence: number }) => d.sequence),
      oneToN(firstPass.length))

    // Replay: the same messages again, in sequence order, same ids, marked as replays.
    const replay = await stack.api('POST', `/v1/subscribers/${push.id}/replay`, { since })
    assert.equal(replay.json.replayed, firstPass.length)
    await eventually(async () => (accepted.length === 2 * firstPass.length ? true : undefined), 20_000, 'the replay')
    const replayed = accepted.slice(firstPass.length)
    assert.deepEqual(sequences(replayed), oneToN(firstPass.length))
    assert.deepEqual(replayed.map((r) => header(r, 'webhook-id')), firstPass.map((r) => header(r, 'webhook-id')))
    assert.ok(replayed.every((r) => header(r, 'x-nashra-replay') === 'true'))
    for (const r of replayed) verifier.verify(r.body, r.headers as Record<string, string>)

    // The pull partner pages its feed two at a time: every version, numbered 1 … n, ninjs inline.
    const items = []
    for (let after = 0; ;) {
      const page = (await stack.api('GET', `/v1/feed?after=${after}&limit=2`, undefined, pullKey)).json
      if (page.items.length === 0) break
      items.push(...page.items)
      after = page.next
    }
    assert.deepEqual(items.map((i) => i.sequence), oneToN(4))
    assert.deepEqual(items.map((i) => [i.version, i.event]), [[1, 'new'], [2, 'update'], [3, 'correction'], [4, 'kill']])
    assert.ok(items.every((i) => typeof i.body === 'object' && i.body.language === 'en'))
    assert.equal(new Set(items.map((i) => i.webhookId)).size, items.length, 'one webhook id per feed item')
    const pullKill = items.at(-1)
    assert.equal(pullKill.body.pubStatus, 'canceled')
    for (const text of items.slice(0, -1).flatMap((i) => textsOf(i.body))) {
      assert.ok(!JSON.stringify(pullKill.body).includes(text), `the feed's kill repeats "${text}"`)
    }

    // The newsMessage partner: one message per version, each with the original and both translations.
    const messages = await messageSink.waitFor(4, 20_000)
    assert.deepEqual(sequences(messages), oneToN(4))
    assert.deepEqual(messages.map((m) => header(m, 'x-nashra-event')), ['new', 'update', 'correction', 'kill'])
    assert.equal(new Set(messages.map((m) => header(m, 'webhook-id'))).size, 4, 'one webhook id per message')
    for (const m of messages) {
      assert.deepEqual([...m.body.matchAll(/<newsItem [^>]*xml:lang="([^"]+)"/g)].map((x) => x[1]), ['ar', 'en', 'fr'])
      new Webhook(message.secret).verify(m.body, m.headers as Record<string, string>, { jsonParse: false })
    }
    assert.ok(!messages.at(-1)!.body.includes(summitPost.headline) && !messages.at(-1)!.body.includes(update.headline))
    assert.equal(messageSink.received.length, 4, 'nothing more')
  } finally {
    await stack.close()
    await pushSink.close()
    await messageSink.close()
  }
}
