import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextOutcome } from '../../src/delivery/deliver-stage.ts'
import { createWaker } from '../../src/pipeline/waker.ts'

describe('waker', () => {
  it('remembers a wake that came while nobody waited', async () => {
    const waker = createWaker()
    waker.wake()
    const started = Date.now()
    await waker.wait(60_000)
    assert.ok(Date.now() - started < 1000)
  })

  it('wakes a waiting loop', async () => {
    const waker = createWaker()
    const waiting = waker.wait(60_000)
    waker.wake()
    await waiting
  })

  it('times out when nothing happens', async () => {
    await createWaker().wait(1)
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
