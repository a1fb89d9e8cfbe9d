// Lets a worker loop sleep until either new work is announced (wake) or a deadline passes.
// A wake that arrives while the loop is busy is remembered, so no announcement is ever lost.

export interface Waker {
  wake(): void
  /** Resolves on the next wake, or after ms; resolves at once if a wake came in meanwhile. */
  wait(ms: number): Promise<void>
}

export function createWaker (): Waker {
  let pending = false
  let release: (() => void) | null = null
  return {
    wake () {
      pending = true
      release?.()
    },
    wait (ms) {
      if (pending) {
        pending = false
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, ms))
        release = done
        function done (): void {
          clearTimeout(timer)
          release = null
          pending = false
          resolve()
        }
      })
    }
  }
}
