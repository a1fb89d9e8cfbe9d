// Scripted fault plans for the emulator: a share of translateText calls fails the ways Google
// fails under load (429 with RetryInfo, 503, 403 "Rate Limit Exceeded", a call that never
// answers), drawn from a seeded generator so a failing run can be replayed exactly.
import type { Behaviour, LoggedRequest } from './server.ts'

/** What Google does when a project runs over its quota or is overloaded. */
export const TRANSIENT_FAULTS: Behaviour[] = [
  { kind: 'fail', status: 429, message: 'Quota exceeded for quota metric \'Number of requests\'.', retryDelaySeconds: 0.05 },
  { kind: 'fail', status: 503, message: 'The service is currently unavailable.' },
  { kind: 'fail', status: 403, message: 'Rate Limit Exceeded' },
  { kind: 'hang' },
]

export interface FaultPlan {
  /** Share of translateText calls that fail, 0…1. */
  rate: number
  /** Same seed, same sequence of faults. */
  seed?: number
  faults?: Behaviour[]
}

/** mulberry32: tiny, seedable, good enough to pick faults. */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A function for emulator.script(): fails `rate` of translateText calls with one of `faults`. */
export function randomFaults (plan: FaultPlan): (request: LoggedRequest) => Behaviour | undefined {
  const random = seededRandom(plan.seed ?? 1)
  const faults = plan.faults ?? TRANSIENT_FAULTS
  return (request) => {
    if (!request.path.endsWith(':translateText')) return undefined
    if (random() >= plan.rate) return undefined
    return faults[Math.floor(random() * faults.length)]
  }
}
