// The engine limits: calls in flight never exceed the limit and are admitted in arrival order;
// the codepoints sent in any sliding window never exceed the budget.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { withEngineLimits } from '../../src/translation/engine-limits.ts'
import type { TranslateRequest, TranslateResult, TranslationProvider } from '../../src/translation/types.ts'

interface Call {
  request: TranslateRequest
  at: number
  finish(): void
}

/** An engine that answers when the test says so (or at once), recording when each call arrived. */
function scriptedEngine (answerAtOnce: boolean): TranslationProvider & { calls: Call[]; inFlight: () => number; onCall?: () => void } {
  const calls: Call[] = []
  let inFlight = 0
  const engine: TranslationProvider & { calls: Call[]; inFlight: () => number; onCall?: () => void } = {
    engine: 'scripted',
    scope: 'scripted',
    calls,
    inFlight: () => inFlight,
    translate (request) {
      inFlight++
      return new Promise<TranslateResult>((resolve) => {
        const finish = (): void => {
          inFlight--
          resolve({ translations: request.contents, model: 'm', charsSent: 0, requests: 1 })
        }
        calls.push({ request, at: Date.now(), finish })
        engine.onCall?.()
        if (answerAtOnce) finish()
      })
    },
    async close () {},
  }
  return engine
}

const request = (text: string): TranslateRequest => ({ contents: [text], sourceLanguage: 'ar', targetLanguage: 'en', mimeType: 'text/plain' })

async function until (condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('engine limits', () => {
  it('keeps at most `concurrency` calls in flight and admits them in arrival order', async () => {
    const engine = scriptedEngine(false)
    const limited = withEngineLimits(engine, { concurrency: 3, charsPerWindow: 1_000_000 })
    const replies = Array.from({ length: 10 }, (_, i) => limited.translate(request(`text ${i}`)))
    await until(() => engine.calls.length === 3, 'three calls')
    assert.equal(engine.inFlight(), 3)
    for (let finished = 0; finished < 10; finished++) {
      // Finishing the oldest call lets exactly the next one in.
      engine.calls[finished]!.finish()
      await until(() => engine.calls.length === Math.min(10, finished + 4), `call ${finished + 4}`)
      assert.ok(engine.inFlight() <= 3, `${engine.inFlight()} calls in flight`)
    }
    const results = await Promise.all(replies)
    assert.deepEqual(engine.calls.map((c) => c.request.contents[0]), Array.from({ length: 10 }, (_, i) => `text ${i}`))
    assert.deepEqual(results.map((r) => r.translations[0]), Array.from({ length: 10 }, (_, i) => `text ${i}`))
    assert.deepEqual(limited.load(), { inFlight: 0, peakInFlight: 3, charsInWindow: 60 })
    await limited.close()
  })

  it('never sends more codepoints than the budget in any sliding window', async () => {
    const engine = scriptedEngine(true)
    const windowMs = 400
    const limited = withEngineLimits(engine, { concurrency: 16, charsPerWindow: 1000, windowMs })
    // 12 requests of 250 codepoints each: three times the budget of one window.
    const text = 'ب'.repeat(250)
    const seen: number[] = []
    engine.onCall = () => seen.push(limited.load().charsInWindow)
    await Promise.all(Array.from({ length: 12 }, () => limited.translate(request(text))))
    assert.ok(seen.every((n) => n <= 1000), `the limiter's own window held ${Math.max(...seen)} codepoints`)
    const times = engine.calls.map((c) => c.at)
    // The limiter's own accounting is exact (above). Seen from the engine, a call arrives a moment
    // after its admission — on a loaded machine a GC pause can make that tens of ms — so the
    // engine-side check allows a tenth of the window of slack.
    for (const t of times) {
      const inWindow = times.filter((u) => u > t - windowMs + windowMs / 10 && u <= t).length * 250
      assert.ok(inWindow <= 1000, `${inWindow} codepoints in the window ending at ${t - times[0]!} ms`)
    }
    // 3000 codepoints at 1000 per window: the last call cannot start before two windows passed
    // (with the same tenth of slack: the first call may reach the engine a moment after admission,
    // and a timer may fire up to a millisecond early).
    assert.ok(times.at(-1)! - times[0]! >= 2 * windowMs - windowMs / 10, `took ${times.at(-1)! - times[0]!} ms`)
    await limited.close()
  })

  it('lets a request larger than the whole budget through alone, and a closed limiter refuses waiters', async () => {
    const engine = scriptedEngine(false)
    const limited = withEngineLimits(engine, { concurrency: 4, charsPerWindow: 1000, windowMs: 60_000 })
    const big = limited.translate(request('x'.repeat(5000)))
    const small = limited.translate(request('y'))
    await until(() => engine.calls.length === 1, 'the large call')
    engine.calls[0]!.finish()
    await big
    await assert.rejects(Promise.all([small, limited.close()]), /closed while waiting/)
    assert.equal(engine.calls.length, 1, 'the small request waited for the window, then was refused at close')
  })
})
