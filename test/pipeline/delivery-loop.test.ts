// The delivery loop against real storage (SQLite :memory:), a partner faked with undici's
// MockAgent and a clock the test moves: every attempt is recorded, a failure is retried on the
// schedule and given up when it runs out, and partners that asked for it are paused or disabled.
// The test waits on the loop's observer (each recorded attempt), never on time.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import { Agent, MockAgent } from 'undici'
import { createDeliveryLoop } from '../../src/delivery/loop.ts'
import { startSink } from '../helpers/sink.ts'
import { at, type ContextOptions, stageTest, story, subscriber } from './stage-context.ts'

const ORIGIN = 'http://partner.test'

/** Counts recorded attempts; recorded(n) resolves once n have been, or fails after a deadline. */
function recorder () {
  const outcomes: string[] = []
  let notify = (): void => {}
  return {
    outcomes,
    observer: { deliveryRecorded (outcome: string) { outcomes.push(outcome); notify() } },
    async recorded (n: number, timeoutMs = 10_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      while (outcomes.length < n) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`expected ${n} recorded attempts, got ${outcomes.length}: ${outcomes.join(', ')}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          notify = () => { clearTimeout(timer); resolve() }
        })
      }
      return outcomes[n - 1]!
    }
  }
}

describe('delivery loop', () => {
  const t = stageTest()

  /** Story n, rendered and queued for subscriber `id`. */
  async function queueStory (id: string, n: number): Promise<void> {
    const v = await t.storage.ingestVersion({ guid: `urn:t:${id}:${n}`, contentHash: `${id}${n}`, content: story(), now: at(0) })
    await t.storage.distribute(v.versionId, [{ subscriberId: id, lang: 'en', format: 'ninjs', contentType: 'application/json', body: `{"n":${n}}` }], at(0))
  }

  /** A partner answering every POST to /:id with what `answer` returns; requests are kept. */
  function partner (answer: (n: number) => { statusCode: number; headers?: Record<string, string> }) {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const requests: Array<{ path: string; headers: Record<string, string>; body: string }> = []
    agent.get(ORIGIN).intercept({ path: /.*/, method: 'POST' }).reply((opts) => {
      requests.push({ path: opts.path, headers: { ...opts.headers as Record<string, string> }, body: String(opts.body) })
      const { statusCode, headers = {} } = answer(requests.length)
      return { statusCode, data: '', responseOptions: { headers } }
    }).persist()
    return { agent, requests }
  }

  /** A story queued for subscriber `id`, and a running loop; stop() ends it. */
  async function start (id: string, agent: MockAgent, options: ContextOptions = {}) {
    await t.storage.createSubscriber(subscriber(id))
    const v = await t.storage.ingestVersion({ guid: `urn:t:${id}`, contentHash: id, content: story(), now: at(0) })
    const [delivery] = await t.storage.distribute(v.versionId,
      [{ subscriberId: id, lang: 'en', format: 'ninjs', contentType: 'application/json', body: '{"headline":"x"}' }], at(0))
    const rec = recorder()
    const abort = new AbortController()
    const loop = createDeliveryLoop(t.context({ agent, observer: rec.observer, ...options }), abort.signal)
    const running = loop.run()
    let stopped = false
    return {
      rec,
      loop,
      get: async () => (await t.storage.getDelivery(delivery!.id))!,
      attempts: () => t.storage.listAttempts(delivery!.id),
      /** Ends the loop once what is in flight is recorded, with what follows (disabling a subscriber). */
      async stop () {
        if (stopped) return
        stopped = true
        loop.stop()
        await running
        await agent.close()
      }
    }
  }

  it('logs each success at debug only when debug is on, and one line per batch at info', async () => {
    for (const level of ['debug', 'info']) {
      const lines: Array<{ level: string; msg: string }> = []
      const line = (name: string) => (fields: unknown, msg?: string): void => {
        lines.push({ level: name, msg: typeof fields === 'string' ? fields : msg ?? '' })
      }
      const log = { level, fatal: line('fatal'), error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug'), trace: line('trace'), silent: () => {}, child: () => log }
      const { agent } = partner(() => ({ statusCode: 204 }))
      const run = await start(`log-${level}`, agent, { log: log as unknown as FastifyBaseLogger })
      try {
        assert.equal(await run.rec.recorded(1), 'delivered')
        const said = (name: string, msg: string) => lines.filter((l) => l.level === name && l.msg === msg).length
        assert.equal(said('debug', 'delivered'), level === 'debug' ? 1 : 0, level)
        assert.equal(said('info', 'deliveries recorded'), 1, level)
      } finally {
        await run.stop()
      }
    }
  })

  it('sends a due webhook, signed, and records the attempt as delivered', async () => {
    const { agent, requests } = partner(() => ({ statusCode: 204 }))
    const run = await start('ok', agent)
    try {
      assert.equal(await run.rec.recorded(1), 'delivered')
      const d = await run.get()
      assert.deepEqual([d.status, d.attempts, d.lastStatusCode, d.deliveredAt], ['delivered', 1, 204, at(0)])
      assert.deepEqual((await run.attempts()).map((a) => [a.at, a.statusCode, a.error]), [[at(0), 204, null]])
      const [request] = requests
      assert.equal(request?.path, '/ok')
      assert.equal(request?.body, '{"headline":"x"}')
      assert.equal(request?.headers['webhook-id'], d.webhookId)
      assert.equal(request?.headers['webhook-timestamp'], String(Date.parse(at(0)) / 1000))
      assert.match(request?.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/)
      assert.deepEqual([request?.headers['x-nashra-event'], request?.headers['content-language']], ['new', 'en'])
    } finally {
      await run.stop()
    }
  })

  it('retries a failed attempt on the schedule and gives up when the schedule runs out', async () => {
    const { agent, requests } = partner(() => ({ statusCode: 503 }))
    const run = await start('down', agent, { delivery: { retryScheduleMs: [60_000, 600_000] } })
    try {
      // Each retry 60 s, then 600 s after the previous attempt, ±20 %.
      for (const [n, low, high] of [[1, 48_000, 72_000], [2, 480_000, 720_000]] as const) {
        assert.equal(await run.rec.recorded(n), 'pending')
        const d = await run.get()
        assert.deepEqual([d.status, d.attempts, d.lastStatusCode, d.lastError], ['pending', n, 503, 'HTTP 503'])
        const wait = Date.parse(d.nextAttemptAt!) - t.clock.now().getTime()
        assert.ok(wait >= low && wait <= high, `attempt ${n + 1} in ${wait} ms, expected ${low}–${high}`)
        t.clock.set(d.nextAttemptAt!)
        run.loop.wake()
      }
      assert.equal(await run.rec.recorded(3), 'dead')
      const d = await run.get()
      assert.deepEqual([d.status, d.attempts, d.nextAttemptAt], ['dead', 3, null])
      assert.deepEqual((await run.attempts()).map((a) => a.statusCode), [503, 503, 503])
      assert.equal(requests.length, 3)
      assert.equal(new Set(requests.map((r) => r.headers['webhook-id'])).size, 1, 'every retry is the same message')
    } finally {
      await run.stop()
    }
  })

  it('records a transport error as a failed attempt, with the error', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get(ORIGIN).intercept({ path: '/refused', method: 'POST' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const run = await start('refused', agent, { delivery: { retryScheduleMs: [5_000] } })
    try {
      assert.equal(await run.rec.recorded(1), 'pending')
      const [attempt] = await run.attempts()
      assert.deepEqual([attempt?.statusCode, attempt?.error], [null, 'ECONNREFUSED: connect ECONNREFUSED'])
      assert.equal((await run.get()).lastError, 'ECONNREFUSED: connect ECONNREFUSED')
    } finally {
      await run.stop()
    }
  })

  it('waits as long as a 429\'s Retry-After asks, whatever the schedule says', async () => {
    const { agent } = partner(() => ({ statusCode: 429, headers: { 'retry-after': '120' } }))
    const run = await start('busy', agent, { delivery: { retryScheduleMs: [1_000] } })
    try {
      assert.equal(await run.rec.recorded(1), 'pending')
      assert.equal((await run.get()).nextAttemptAt, at(120))
    } finally {
      await run.stop()
    }
  })

  it('disables a subscriber whose endpoint answers 410 Gone', async () => {
    const { agent } = partner(() => ({ statusCode: 410 }))
    const run = await start('gone', agent)
    try {
      assert.equal(await run.rec.recorded(1), 'pending')
      await run.stop()
      const s = await t.storage.getSubscriber('gone')
      assert.deepEqual([s?.active, s?.disabledReason], [false, 'the endpoint answered 410 Gone'])
    } finally {
      await run.stop()
    }
  })

  it('sends nothing more to a subscriber a 410 disables, though its next message is due', async () => {
    const { agent, requests } = partner(() => ({ statusCode: 410 }))
    await t.storage.createSubscriber(subscriber('gone2'))
    for (let n = 0; n < 2; n++) await queueStory('gone2', n)
    const rec = recorder()
    const loop = createDeliveryLoop(t.context({ agent, observer: rec.observer, delivery: { retryScheduleMs: [] } }), new AbortController().signal)
    const running = loop.run()
    try {
      // No retries left: the message is dead at once and the next one becomes the head.
      assert.equal(await rec.recorded(1), 'dead')
    } finally {
      loop.stop()
      await running
      await agent.close()
    }
    assert.equal((await t.storage.getSubscriber('gone2'))?.active, false)
    assert.equal(requests.length, 1, 'the next message stays queued for when the partner is back')
    assert.deepEqual((await t.storage.listDeliveries('gone2', { limit: 10 })).map((d) => d.status), ['dead', 'pending'])
  })

  it('disables a subscriber once every delivery has failed for longer than allowed', async () => {
    const { agent } = partner(() => ({ statusCode: 500 }))
    const run = await start('failing', agent, { delivery: { retryScheduleMs: [60_000, 60_000], disableAfterMs: 90_000 } })
    try {
      assert.equal(await run.rec.recorded(1), 'pending')
      t.clock.set(at(80))
      run.loop.wake()
      assert.equal(await run.rec.recorded(2), 'pending')
      // Attempt 3 comes after another 60 s (±20 %), past the 90 s allowed since the first failure.
      t.clock.set((await run.get()).nextAttemptAt!)
      assert.equal((await t.storage.getSubscriber('failing'))?.active, true, 'failing for 80 s: still active')
      run.loop.wake()
      assert.equal(await run.rec.recorded(3), 'dead')
      await run.stop()
      const s = await t.storage.getSubscriber('failing')
      assert.deepEqual([s?.active, s?.disabledReason], [false, `every delivery has failed since ${at(0)}`])
    } finally {
      await run.stop()
    }
  })

  // Issue 11: one transaction per batch. The transaction that records an attempt also claims what
  // fills the slot it frees (here the subscriber's next message, made due by that record); the
  // loop's own claims only start the queue (and find nothing while its head is in flight).
  it('refills the slots a record frees in the same transaction, in queue order', async () => {
    const { agent, requests } = partner(() => ({ statusCode: 204 }))
    await t.storage.createSubscriber(subscriber('chain'))
    for (let n = 0; n < 4; n++) await queueStory('chain', n)
    const calls = { claimedByLoop: 0, claimedByRecord: 0 }
    const storage = t.storage
    const spy = new Proxy(storage, {
      get (target, key) {
        if (key === 'claimDueDeliveries') {
          return async (...args: Parameters<typeof storage.claimDueDeliveries>) => {
            const claimed = await target.claimDueDeliveries(...args)
            calls.claimedByLoop += claimed.length
            return claimed
          }
        }
        if (key === 'recordAndClaim') {
          return async (...args: Parameters<typeof storage.recordAndClaim>) => {
            const settled = await target.recordAndClaim(...args)
            calls.claimedByRecord += settled.claimed.length
            return settled
          }
        }
        const value = (target as unknown as Record<PropertyKey, unknown>)[key]
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
    const rec = recorder()
    const abort = new AbortController()
    const loop = createDeliveryLoop({ ...t.context({ agent, observer: rec.observer }), storage: spy }, abort.signal)
    const running = loop.run()
    try {
      await rec.recorded(4)
      assert.deepEqual(rec.outcomes, ['delivered', 'delivered', 'delivered', 'delivered'])
      assert.deepEqual(requests.map((r) => [r.body, r.headers['x-nashra-sequence']]), [['{"n":0}', '1'], ['{"n":1}', '2'], ['{"n":2}', '3'], ['{"n":3}', '4']])
      assert.equal(calls.claimedByRecord, 3, 'every message after the first claimed by the record of the one before')
      assert.equal(calls.claimedByLoop, 1, 'the loop\'s own claims took the first only')
    } finally {
      loop.stop()
      await running
      await agent.close()
    }
  })

  it('never has more than `concurrency` requests in flight, and a stop leaves every delivery due again', async () => {
    const sink = await startSink()
    sink.respond(() => 'hang')
    const agent = new Agent()
    const ids = ['h1', 'h2', 'h3', 'h4']
    for (const id of ids) {
      await t.storage.createSubscriber(subscriber(id, { url: sink.url }))
      await queueStory(id, 0)
    }
    const abort = new AbortController()
    const loop = createDeliveryLoop(t.context({ agent, delivery: { concurrency: 2 } }), abort.signal)
    const running = loop.run()
    try {
      await sink.waitFor(2)
    } finally {
      loop.stop()
      abort.abort()
      await running
      await agent.close()
      await sink.close()
    }
    assert.equal(sink.received.length, 2, 'two in flight at most: the others wait their turn')
    // The two cut short by the stop (an attempt each) and the two never sent are all due at once.
    const due = await t.storage.claimDueDeliveries(at(0), at(60), 10)
    assert.deepEqual(due.map((d) => d.subscriberId).sort(), ids)
    assert.deepEqual(due.map((d) => d.attempts).sort(), [0, 0, 1, 1])
  })
})
