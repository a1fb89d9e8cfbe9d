// The one jitter helper (src/jitter.ts) every retry uses, driven by a fixed random source.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextOutcome } from '../src/delivery/deliver-stage.ts'
import { backoffWithJitter, withJitter } from '../src/jitter.ts'

const fixed = (value: number) => () => value

describe('jitter', () => {
  it('spreads a delay over ±20 %, from the random source', () => {
    assert.equal(withJitter(10_000, fixed(0)), 8_000)
    assert.equal(withJitter(10_000, fixed(0.5)), 10_000)
    assert.equal(withJitter(10_000, fixed(0.999_999)), 12_000)
    assert.equal(withJitter(1_001, fixed(0.5)), 1_001)
    assert.equal(withJitter(3, fixed(0.25)), 3) // 2.7, rounded to whole milliseconds
  })

  it('draws one number per delay, in order', () => {
    const draws = [0, 1 / 4, 3 / 4]
    const random = () => draws.shift()!
    assert.deepEqual([withJitter(1000, random), withJitter(1000, random), withJitter(1000, random)], [800, 900, 1100])
    assert.equal(draws.length, 0)
  })

  it('backs off exponentially up to the cap, then jitters', () => {
    const middle = fixed(0.5)
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => backoffWithJitter(attempt, 1000, 5000, middle)), [1000, 2000, 4000, 5000, 5000])
    assert.equal(backoffWithJitter(3, 1000, 5000, fixed(0)), 3200)
    assert.equal(backoffWithJitter(9, 1000, 5000, fixed(0.999_999)), 6000)
  })

  it('spreads the delivery retry schedule with the source it is given', () => {
    const now = new Date('2026-11-29T00:00:00.000Z')
    const due = (random: () => number) => {
      const outcome = nextOutcome({ ok: false, statusCode: 500 }, 2, [10_000, 20_000], now, random)
      return outcome.status === 'pending' ? Date.parse(outcome.nextAttemptAt) - now.getTime() : -1
    }
    assert.equal(due(fixed(0)), 16_000)
    assert.equal(due(fixed(0.999_999)), 24_000)
  })
})
