// The pacer: background work gives way to the API while requests keep arriving, by share of the thread.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BUSY_FOR_MS, billed, CALIBRATION_WINDOW_MS, createPacer, FACTOR_RANGE, SATURATED, WINDOW_MS } from '../../src/pipeline/pacer.ts'
import type { Storage } from '../../src/storage/types.ts'

function clocked (share: number) {
  let now = 1_000
  let utilization = 1
  // The thread's busy time: by default busy exactly when billed (the factor stays 1).
  let busy = 0
  const pacer = createPacer({ share, clock: () => now, utilization: () => utilization, busyMs: () => busy })
  return {
    pacer,
    advance: (ms: number) => { now += ms },
    setUtilization: (u: number) => { utilization = u },
    /** The thread was busy ms more (the background's unbilled work, say). */
    work: (ms: number) => { busy += ms }
  }
}

/** Requests keep arriving: two, a millisecond apart (one alone does not count). */
function requests (t: ReturnType<typeof clocked>): void {
  t.pacer.requestArrived()
  t.advance(1)
  t.pacer.requestArrived()
}

/** One quiet window in which the background billed `billedMs` and the thread was busy `busyMs`. */
function quietWindow (t: ReturnType<typeof clocked>, billedMs: number, busyMs: number): void {
  t.pacer.bill(billedMs)
  t.work(busyMs)
  t.advance(CALIBRATION_WINDOW_MS)
  t.pacer.bill(0) // the window closes at the next bill
}

describe('pacer', () => {
  it('never holds background work back while no request arrives, however much it used', () => {
    const { pacer } = clocked(0.25)
    pacer.bill(500)
    assert.equal(pacer.delayMs(), 0)
  })

  it('holds it back while requests arrive and it used more than its share, until the share is back', () => {
    const t = clocked(0.25)
    const { pacer, advance } = t
    requests(t)
    pacer.bill(0.25 * WINDOW_MS) // exactly the share of one window: still allowed
    assert.equal(pacer.delayMs(), 0)
    pacer.bill(0.25 * WINDOW_MS) // twice the budget: back within it after ln 2 windows
    assert.equal(pacer.delayMs(), Math.ceil(Math.min(WINDOW_MS * Math.log(2), BUSY_FOR_MS)))
    // Requests keep coming, every 10 ms; the background waits, asking again each time.
    let waited = 0
    while (pacer.delayMs() > 0) {
      advance(10)
      waited += 10
      pacer.requestArrived()
    }
    assert.ok(Math.abs(waited - WINDOW_MS * Math.log(2)) <= 10, `waited ${waited} ms`)
  })

  it('lets it go as soon as the API falls quiet', () => {
    const t = clocked(0.1)
    const { pacer, advance } = t
    requests(t)
    pacer.bill(100)
    assert.ok(pacer.delayMs() > 0)
    assert.ok(pacer.delayMs() <= BUSY_FOR_MS)
    advance(BUSY_FOR_MS + 1)
    assert.equal(pacer.delayMs(), 0)
  })

  it('settles at its share under a steady stream of requests and work', () => {
    const { pacer, advance } = clocked(0.25)
    let worked = 0
    // 10 s of requests every ms; the background does 2 ms of work whenever it is let go.
    for (let t = 0; t < 10_000; t++) {
      pacer.requestArrived()
      if (pacer.delayMs() === 0) {
        pacer.bill(2)
        worked += 2
      }
      advance(1)
    }
    const share = worked / 10_000
    assert.ok(share > 0.2 && share < 0.3, `share ${share}`)
  })

  it('lets it go while the thread has time to spare, requests or not', () => {
    const t = clocked(0.25)
    const { pacer, setUtilization } = t
    requests(t)
    pacer.bill(100)
    assert.ok(pacer.delayMs() > 0)
    setUtilization(SATURATED - 0.01)
    assert.equal(pacer.delayMs(), 0)
  })

  it('is not held back by a lone request (a status poll), only by requests that keep arriving', () => {
    const t = clocked(0.1)
    t.pacer.bill(100)
    t.pacer.requestArrived()
    assert.equal(t.pacer.delayMs(), 0, 'one request, the last one long ago')
    t.advance(BUSY_FOR_MS + 1)
    t.pacer.requestArrived()
    assert.equal(t.pacer.delayMs(), 0, 'two, further apart than BUSY_FOR_MS')
    t.advance(BUSY_FOR_MS)
    t.pacer.requestArrived()
    assert.ok(t.pacer.delayMs() > 0, 'two within BUSY_FOR_MS: requests keep arriving')
  })

  it('with a share of 100 % never paces', () => {
    const { pacer } = clocked(1)
    pacer.requestArrived()
    pacer.bill(10_000)
    assert.equal(pacer.delayMs(), 0)
  })

  it('bills the synchronous time of each storage call, and passes calls and results through', async () => {
    const bills: number[] = []
    const storage = {
      async ping () {
        const until = performance.now() + 5
        while (performance.now() < until) { /* the synchronous part of a SQLite call */ }
        return 'pong'
      },
      sharedDatabase: false
    } as unknown as Storage
    const wrapped = billed(storage, { requestArrived () {}, bill: (ms) => bills.push(ms), delayMs: () => 0, factor: 1 })
    assert.equal(wrapped.sharedDatabase, false)
    assert.equal(await (wrapped.ping as unknown as () => Promise<string>)(), 'pong')
    assert.equal(bills.length, 1)
    assert.ok(bills[0]! >= 5, String(bills[0]))
    assert.equal(wrapped.ping, wrapped.ping, 'one wrapper per method')
  })

  it('counts a billed ms as the thread time it stands for, measured while the API is quiet', () => {
    const t = clocked(0.25)
    assert.equal(t.pacer.factor, 1)
    // Quiet windows where the thread was busy three times what was billed: the factor goes to 3.
    for (let i = 0; i < 30; i++) quietWindow(t, 50, 150)
    assert.ok(Math.abs(t.pacer.factor - 3) < 0.01, String(t.pacer.factor))
    // Later (what was billed has decayed), with requests arriving, a billed ms counts three: a
    // third of the share is the budget.
    t.advance(20 * WINDOW_MS)
    requests(t)
    t.pacer.bill((0.25 * WINDOW_MS) / 3)
    assert.equal(t.pacer.delayMs(), 0)
    t.pacer.bill(1)
    assert.ok(t.pacer.delayMs() > 0, 'over the share once its unbilled part is counted')
  })

  it('measures no factor in a window a request shared, or one the background hardly used', () => {
    const t = clocked(0.25)
    t.pacer.requestArrived() // the API's own work is in this window's busy time
    quietWindow(t, 50, 500)
    assert.equal(t.pacer.factor, 1)
    quietWindow(t, 0.05 * CALIBRATION_WINDOW_MS, 200) // 5 % billed: the ratio would be noise
    assert.equal(t.pacer.factor, 1)
  })

  it('keeps the factor within its bounds', () => {
    const t = clocked(0.25)
    for (let i = 0; i < 50; i++) quietWindow(t, 30, 3_000)
    assert.ok(Math.abs(t.pacer.factor - FACTOR_RANGE[1]) < 0.01, String(t.pacer.factor))
    for (let i = 0; i < 50; i++) quietWindow(t, 50, 10)
    assert.ok(Math.abs(t.pacer.factor - FACTOR_RANGE[0]) < 0.01, String(t.pacer.factor))
  })
})
