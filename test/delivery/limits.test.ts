// The small pure parts of delivery: subscriber filters, the per-subscriber rate limiter, the
// feed notifier that wakes long-polls, and the retry outcome rules.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import { nextOutcome, RETRY_AFTER_CAP_MS, STRUGGLING_FLOOR_MS } from '../../src/delivery/deliver-stage.ts'
import { createFeedNotifier } from '../../src/delivery/feed-notifier.ts'
import { matchesFilters } from '../../src/pipeline/recipients.ts'
import { createRateLimiter } from '../../src/delivery/rate-limit.ts'

const story = (extra: Partial<ArticleContent>): ArticleContent => ({ headline: 'ع', paragraphs: ['ف'], language: 'ar', ...extra })

describe('subscriber filters', () => {
  it('matches categories case-insensitively and urgency as "at least this urgent"', () => {
    assert.equal(matchesFilters({}, story({})), true)
    assert.equal(matchesFilters({ categories: ['Politics'] }, story({ category: 'politics' })), true)
    assert.equal(matchesFilters({ categories: ['sport'] }, story({ category: 'politics' })), false)
    assert.equal(matchesFilters({ categories: ['sport'] }, story({})), false, 'no category matches no category filter')
    assert.equal(matchesFilters({ minUrgency: 3 }, story({ urgency: 1 })), true)
    assert.equal(matchesFilters({ minUrgency: 3 }, story({ urgency: 3 })), true)
    assert.equal(matchesFilters({ minUrgency: 3 }, story({ urgency: 4 })), false)
    assert.equal(matchesFilters({ minUrgency: 4 }, story({})), false, 'no urgency counts as 5')
  })
})

describe('rate limiter', () => {
  it('lets a burst through, then spaces requests at the rate, per key', () => {
    const limiter = createRateLimiter(2, 2)
    assert.equal(limiter.take('a', 0), 0)
    assert.equal(limiter.take('a', 0), 0)
    assert.equal(limiter.take('a', 0), 500, 'the third waits for the next token')
    assert.equal(limiter.take('b', 0), 0, 'another subscriber has its own bucket')
    assert.equal(limiter.take('a', 500), 0)
  })

  it('counts a token refilled in floating-point steps as whole', () => {
    // 50/s: 2 ms then 18 ms refill 0.1 + 0.9 tokens, which sums to 0.9999999999999999.
    const limiter = createRateLimiter(50, 1)
    assert.equal(limiter.take('a', 0), 0)
    assert.equal(limiter.take('a', 2), 18)
    assert.equal(limiter.take('a', 20), 0, 'the token refilled by 20 ms goes at 20 ms, not 1 ms later')
  })
})

describe('feed notifier', () => {
  it('wakes waiters of one subscriber only, times out otherwise, and releases all on close', async () => {
    const notifier = createFeedNotifier()
    const a = notifier.wait('a', 60_000)
    const b = notifier.wait('b', 5)
    assert.equal(notifier.waiting(), 2)
    notifier.notify(['a'])
    assert.equal(await a, true)
    assert.equal(await b, false)
    const c = notifier.wait('c', 60_000)
    notifier.close()
    assert.equal(await c, false)
    assert.equal(await notifier.wait('c', 60_000), false, 'after close a wait returns at once')
    assert.equal(notifier.waiting(), 0)
  })

  it('stops waiting when the reader goes away', async () => {
    const notifier = createFeedNotifier()
    const gone = new AbortController()
    const waiting = notifier.wait('a', 60_000, gone.signal)
    gone.abort()
    assert.equal(await waiting, false)
    assert.equal(notifier.waiting(), 0)
  })
})

describe('retry outcome', () => {
  const now = new Date('2026-11-29T00:00:00.000Z')
  const delay = (o: ReturnType<typeof nextOutcome>) => (o.status === 'pending' ? Date.parse(o.nextAttemptAt) - now.getTime() : -1)
  it('waits a minute after a 429 or a timeout, honours Retry-After up to a cap, retries at once after our own shutdown', () => {
    assert.ok(delay(nextOutcome({ ok: false, statusCode: 429 }, 1, [100], now)) >= STRUGGLING_FLOOR_MS)
    assert.ok(delay(nextOutcome({ ok: false, errorCode: 'TIMEOUT' }, 1, [100], now)) >= STRUGGLING_FLOOR_MS)
    assert.ok(delay(nextOutcome({ ok: false, statusCode: 503, retryAfterMs: 120_000 }, 1, [100], now)) >= 120_000)
    assert.equal(delay(nextOutcome({ ok: false, statusCode: 503, retryAfterMs: 10 * RETRY_AFTER_CAP_MS }, 1, [100], now)), RETRY_AFTER_CAP_MS)
    assert.equal(delay(nextOutcome({ ok: false, errorCode: 'ABORTED' }, 5, [100], now)), 0)
    assert.deepEqual(nextOutcome({ ok: false, statusCode: 500 }, 2, [100], now), { status: 'dead' })
  })
})
