// Retry delays spread out, so that many items that failed together (an engine outage, a partner
// down) do not all come back at the same instant. Every retry in Nashra (translation runs, engine
// calls, webhook deliveries) draws its spread here; tests pass their own random source.

/** Uniform numbers in [0, 1): Math.random in production, a fixed sequence in tests. */
export type RandomSource = () => number

/** `ms` spread by ±20 %: 0.8·ms … 1.2·ms, rounded to whole milliseconds. */
export function withJitter (ms: number, random: RandomSource = Math.random): number {
  return Math.round(ms * (0.8 + random() * 0.4))
}

/** Exponential backoff with jitter: attempt 1 → ~base, 2 → ~2·base…, capped, ±20 %. */
export function backoffWithJitter (attempt: number, baseMs: number, capMs: number, random: RandomSource = Math.random): number {
  return withJitter(Math.min(baseMs * 2 ** (attempt - 1), capMs), random)
}
