// Background work gives way to the API. The pipeline runs on the thread that answers requests,
// and a post is only acknowledged once it is stored: with the pipeline's storage work taking the
// thread as often as the requests did, a burst of posts was answered at half the rate the thread
// could take them. So while requests keep arriving and the thread is saturated, the pipeline's
// synchronous storage work may use at most a share of the thread's time
// (PIPELINE_SHARE_WHILE_BUSY, measured over the last ~100 ms); when no request has arrived for a
// moment, or the thread has time to spare, it takes all it needs. It never stops:
// it goes on at its share under any load, and the backlog it leaves is drained once the burst
// is over (`GET /v1/pipeline` says how far behind it is).
// The bill is what storage calls and CPU-worker dispatches take on this thread (`billed`): on
// SQLite most of a stage's work; on PostgreSQL the work happens in the database server and
// little is billed. What is not billed — the stages' own code between those calls, the engine's
// answers and the workers' results coming back, the garbage it all leaves — is made up for by a
// factor measured while the API is quiet: the thread's busy time over what was billed in the
// same window (~1.8 in bench:ingest; without it a nominal 25 % took ~40 % of the thread). With
// it the share is nearer a share of the thread; what the pipeline costs the API besides (the
// caches it evicts, the second core its worker and the engine share with the clients) is not.

/**
 * How long after the last request the API still counts as busy — when requests keep arriving:
 * the one before it came within this too. A lone request (a status poll, a health check) does
 * not hold the pipeline back: one poll a second held bench:drain's pipeline for 50 ms each, and
 * its drain went from 491 to 426 stories/s.
 */
export const BUSY_FOR_MS = 50
/** The time constant of the background's measured use of the thread. */
export const WINDOW_MS = 100
/** Event-loop utilization from which the thread counts as saturated. */
export const SATURATED = 0.85
/** The window over which the bill's factor is measured: the thread's busy time against what was billed. */
export const CALIBRATION_WINDOW_MS = 250
/** A window counts only when the background billed at least this share of it (else the ratio is noise). */
export const CALIBRATION_MIN_BILLED = 0.1
/** Bounds of the factor: never below what was measured on the calls themselves. */
export const FACTOR_RANGE = [1, 8] as const

export interface Pacer {
  /** A request arrived (an onRequest hook calls it). */
  requestArrived(): void
  /** Bills ms of this thread's time to background work. */
  bill(ms: number): void
  /** How long the background should wait before taking more work: 0 when it may go now. */
  delayMs(): number
  /** What a billed ms is counted as: the thread's time per ms billed, measured while the API was quiet. */
  readonly factor: number
}

export interface PacerOptions {
  /** Share of the thread background work may use while requests arrive, 0 < share ≤ 1 (1: no pacing). */
  share: number
  /** Milliseconds, monotonic (performance.now); tests move it by hand. */
  clock?: () => number
  /** The thread's recent event-loop utilization, 0–1 (tests set it). */
  utilization?: () => number
  /** The thread's busy time so far, ms (event-loop utilization's `active`; tests move it by hand). */
  busyMs?: () => number
}

/** Event-loop utilization over the last completed window of about WINDOW_MS. */
function recentUtilization (): () => number {
  let since = performance.eventLoopUtilization()
  let at = performance.now()
  let value = 0
  return () => {
    const now = performance.now()
    if (now - at >= WINDOW_MS) {
      value = performance.eventLoopUtilization(since).utilization
      since = performance.eventLoopUtilization()
      at = now
    }
    return value
  }
}

export function createPacer ({
  share, clock = () => performance.now(), utilization = recentUtilization(), busyMs = () => performance.eventLoopUtilization().active
}: PacerOptions): Pacer {
  let lastRequestAt = Number.NEGATIVE_INFINITY
  let previousRequestAt = Number.NEGATIVE_INFINITY
  // The factor's window: when it began, the thread's busy time then, what was billed since, and
  // whether a request arrived in it (then the thread's time is not the background's alone).
  let factor = 1
  let windowAt = clock()
  let busyAt = busyMs()
  let billedInWindow = 0
  let requestInWindow = false
  const calibrate = (now: number): void => {
    const elapsed = now - windowAt
    if (elapsed < CALIBRATION_WINDOW_MS) return
    const busy = busyMs()
    if (!requestInWindow && billedInWindow >= CALIBRATION_MIN_BILLED * elapsed) {
      const measured = Math.min(FACTOR_RANGE[1], Math.max(FACTOR_RANGE[0], (busy - busyAt) / billedInWindow))
      factor = 0.7 * factor + 0.3 * measured
    }
    windowAt = now
    busyAt = busy
    billedInWindow = 0
    requestInWindow = false
  }
  // Exponentially decayed sum of billed ms: at a steady rate r (ms of work per ms) it settles at r × WINDOW_MS.
  let used = 0
  let usedAt = clock()
  const budget = share * WINDOW_MS
  const decayed = (now: number): number => {
    used *= Math.exp(-(now - usedAt) / WINDOW_MS)
    usedAt = now
    return used
  }
  return {
    requestArrived () {
      previousRequestAt = lastRequestAt
      lastRequestAt = clock()
      requestInWindow = true
    },
    bill (ms) {
      const now = clock()
      calibrate(now)
      decayed(now)
      billedInWindow += ms
      used += ms * factor
    },
    get factor () {
      return factor
    },
    delayMs () {
      if (share >= 1) return 0
      const now = clock()
      const current = decayed(now)
      const arriving = now - lastRequestAt <= BUSY_FOR_MS && lastRequestAt - previousRequestAt <= BUSY_FOR_MS
      if (!arriving || current <= budget || utilization() < SATURATED) return 0
      // Until the decayed use falls back to the budget, or the API falls quiet, whichever is first.
      const untilWithinShare = WINDOW_MS * Math.log(current / budget)
      const untilQuiet = lastRequestAt + BUSY_FOR_MS - now
      return Math.max(1, Math.ceil(Math.min(untilWithinShare, untilQuiet)))
    }
  }
}

/**
 * The same object (the pipeline's storage, its CPU-worker pool), billing each method call's time
 * on this thread to the pacer. Storage calls do their SQLite work synchronously under the promise
 * they return, and a dispatch copies its job to the worker before it returns, so the time to get
 * the promise is the work; what the call then waits for (PostgreSQL, the worker) is not billed.
 */
export function billed<T extends object> (target: T, pacer: Pacer): T {
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(target, {
    get (target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (typeof value !== 'function') return value
      let billed = wrapped.get(key)
      if (billed === undefined) {
        billed = (...args: unknown[]) => {
          const started = performance.now()
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args)
          } finally {
            pacer.bill(performance.now() - started)
          }
        }
        wrapped.set(key, billed)
      }
      return billed
    }
  })
}
