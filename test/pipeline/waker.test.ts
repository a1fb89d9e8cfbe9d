import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextOutcome } from '../../src/delivery/deliver-stage.ts'
import { createWaker } from '../../src/pipeline/waker.ts'

describe('waker', () => {
  // Whether a wait has ended by the time the event loop turns once more: a wake resolves it at
  // once (a microtask), a 60 s timer cannot have fired yet. No clock is read, nothing sleeps.
  const settledBeforeNextTurn = (waiting: Promise<void>): Promise<boolean> => Promise.race([
    waiting.then(() => true),
    new Promise<boolean>((resolve) => { setImmediate(() => resolve(false)) })
  ])

  it('remembers a wake that came while nobody waited, once', async () => {
    const waker = createWaker()
    waker.wake()
    assert.equal(await settledBeforeNextTurn(waker.wait(60_000)), true)
    const next = waker.wait(60_000)
    assert.equal(await settledBeforeNextTurn(next), false, 'the wake was used up by the first wait')
    waker.wake()
    await next
  })

  it('wakes a waiting loop, and only on wake', async () => {
    const waker = createWaker()
    const waiting = waker.wait(60_000)
    assert.equal(await settledBeforeNextTurn(waiting), false, 'nothing ends the wait before a wake')
    waker.wake()
    assert.equal(await settledBeforeNextTurn(waiting), true)
  })

  it('times out when nothing happens', async () => {
    const waker = createWaker()
    await waker.wait(1)
    // The timeout consumed nothing: a later wake still reaches the next wait.
    waker.wake()
    assert.equal(await settledBeforeNextTurn(waker.wait(60_000)), true)
  })
})

describe('delivery outcome', () => {
  const now = new Date('2026-11-29T00:00:00.000Z')
  it('retries along the schedule with jitter, then gives up', () => {
    assert.deepEqual(nextOutcome({ ok: true }, 1, [1000], now), { status: 'delivered' })
    const retry = nextOutcome({ ok: false, statusCode: 500 }, 1, [10_000, 60_000], now)
    assert.equal(retry.status, 'pending')
    const delay = retry.status === 'pending' ? Date.parse(retry.nextAttemptAt) - now.getTime() : 0
    assert.ok(delay >= 8_000 && delay <= 12_000, `delay ${delay}`)
    assert.deepEqual(nextOutcome({ ok: false, statusCode: 500 }, 3, [10_000, 60_000], now), { status: 'dead' })
  })
})
