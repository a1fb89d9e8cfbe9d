// Keeps Nashra inside what the engine allows: at most `concurrency` translateText calls in flight,
// and at most `charsPerWindow` codepoints sent in any sliding window (Google's quota is characters
// per project per minute; over it, Google answers 403 "User Rate Limit Exceeded"). Callers queue
// in arrival order, so a version that asked first is served first. Sits outside the retries
// (resilient.ts): each request is admitted once, however many times it is retried. It does not own
// the engine: close() ends its own waits and leaves closing the engine to whoever opened it.
import { codepointLength } from './batching.ts'
import type { TranslateRequest, TranslateResult, TranslationProvider } from './types.ts'

export interface EngineLimits {
  /** Calls in flight at once. */
  concurrency: number
  /** Codepoints per sliding window; a single request larger than this goes alone in a window. */
  charsPerWindow: number
  /** 60 s for Google's per-minute quota; shorter in tests. */
  windowMs?: number
  now?: () => number
}

export interface EngineLoad {
  inFlight: number
  /** Most calls ever in flight at once. */
  peakInFlight: number
  /** Codepoints sent in the current window. */
  charsInWindow: number
}

export interface LimitedProvider extends TranslationProvider {
  load(): EngineLoad
}

interface Waiter {
  cost: number
  resolve: () => void
  reject: (err: Error) => void
}

export function withEngineLimits (inner: TranslationProvider, limits: EngineLimits): LimitedProvider {
  const windowMs = limits.windowMs ?? 60_000
  const now = limits.now ?? Date.now
  // What each admitted call cost and when, oldest first, for the sliding window.
  const sent: Array<{ at: number; cost: number }> = []
  let charsInWindow = 0
  let inFlight = 0
  let peakInFlight = 0
  const queue: Waiter[] = []
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const expire = (at: number): void => {
    while (sent.length > 0 && sent[0]!.at <= at - windowMs) charsInWindow -= sent.shift()!.cost
  }

  // Admits waiters from the head of the queue while a slot and the budget allow; strictly in
  // order, so a large request is not starved by small ones behind it.
  const pump = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    const at = now()
    expire(at)
    while (queue.length > 0 && inFlight < limits.concurrency) {
      const head = queue[0]!
      if (charsInWindow > 0 && charsInWindow + head.cost > limits.charsPerWindow) {
        // Wait until enough of the window has slid past.
        let freed = charsInWindow + head.cost - limits.charsPerWindow
        let until = at
        for (const entry of sent) {
          until = entry.at + windowMs
          freed -= entry.cost
          if (freed <= 0) break
        }
        timer = setTimeout(pump, Math.max(1, until - at))
        return
      }
      queue.shift()
      sent.push({ at, cost: head.cost })
      charsInWindow += head.cost
      inFlight++
      peakInFlight = Math.max(peakInFlight, inFlight)
      head.resolve()
    }
  }

  const admit = (cost: number): Promise<void> => new Promise<void>((resolve, reject) => {
    if (closed) {
      reject(new Error(`${inner.engine} translation provider is closed`))
      return
    }
    queue.push({ cost: Math.min(cost, limits.charsPerWindow), resolve, reject })
    pump()
  })

  async function translate (request: TranslateRequest): Promise<TranslateResult> {
    await admit(request.contents.reduce((n, text) => n + codepointLength(text), 0))
    try {
      return await inner.translate(request)
    } finally {
      inFlight--
      pump()
    }
  }

  return {
    engine: inner.engine,
    scope: inner.scope,
    ...(inner.model === undefined ? {} : { model: inner.model }),
    ...(inner.plainTextOnly === undefined ? {} : { plainTextOnly: inner.plainTextOnly }),
    ...(inner.health === undefined ? {} : { health: inner.health }),
    translate,
    load: () => {
      expire(now())
      return { inFlight, peakInFlight, charsInWindow }
    },
    async close () {
      closed = true
      clearTimeout(timer)
      for (const waiter of queue.splice(0)) waiter.reject(new Error(`${inner.engine} translation provider closed while waiting for the engine`))
    },
  }
}
