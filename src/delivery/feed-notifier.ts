// Wakes long-polling feed readers the moment new items exist for their subscriber. In-process:
// the feed route also reads the database first and after every wait, so a missed signal only
// costs latency, never an item.

export interface FeedNotifier {
  notify(subscriberIds: Iterable<string>): void
  /** Resolves true when notified for this subscriber, false after ms or on abort. */
  wait(subscriberId: string, ms: number, signal?: AbortSignal): Promise<boolean>
  /** Releases every waiter and makes later waits return at once (shutdown). */
  close(): void
  readonly closed: boolean
  /** How many long-polls are waiting right now (for health and tests). */
  waiting(): number
}

export function createFeedNotifier (): FeedNotifier {
  const waiters = new Map<string, Set<(notified: boolean) => void>>()
  let closed = false
  return {
    get closed () {
      return closed
    },
    waiting () {
      let n = 0
      for (const set of waiters.values()) n += set.size
      return n
    },
    notify (subscriberIds) {
      for (const id of subscriberIds) {
        const set = waiters.get(id)
        if (set === undefined) continue
        waiters.delete(id)
        for (const release of set) release(true)
      }
    },
    wait (subscriberId, ms, signal) {
      if (closed) return Promise.resolve(false)
      return new Promise((resolve) => {
        let set = waiters.get(subscriberId)
        if (set === undefined) {
          set = new Set()
          waiters.set(subscriberId, set)
        }
        const timer = setTimeout(() => done(false), ms)
        const onAbort = (): void => done(false)
        signal?.addEventListener('abort', onAbort, { once: true })
        const own = set
        function done (notified: boolean): void {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          own.delete(done)
          if (own.size === 0 && waiters.get(subscriberId) === own) waiters.delete(subscriberId)
          resolve(notified)
        }
        own.add(done)
        if (signal?.aborted === true) done(false)
      })
    },
    close () {
      closed = true
      for (const set of waiters.values()) for (const release of [...set]) release(false)
      waiters.clear()
    }
  }
}
