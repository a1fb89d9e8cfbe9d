// Reading one setting from the environment, and saying what is wrong with it in the same words
// wherever it is read: src/config.ts, src/http/http-config.ts and src/translation/config-options.ts
// all take their durations and counts from here. Problems are collected, not thrown, so one start
// names every bad variable at once.

export type Read = (name: string) => string | undefined

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "0.2s,1s,5m" → [200, 1000, 300000]; undefined when any item is malformed. */
export function parseDurations (value: string): number[] | undefined {
  const out: number[] = []
  for (const item of value.split(',')) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(item)
    if (match === null) return undefined
    out.push(Math.round(Number(match[1]) * UNIT_MS[match[2]!]!))
  }
  return out
}

export interface ValueReaders {
  /** One duration in ms; positive unless allowZero. A bad value is a problem, and reads as 0. */
  duration(name: string, fallback: string, options?: { allowZero?: boolean }): number
  /** A whole number within [min, max] (`_` as a digit separator); a bad value is a problem. */
  integer(name: string, fallback: number, min: number, max: number): number
}

export function valueReaders (read: Read, problems: string[]): ValueReaders {
  return {
    duration (name, fallback, options = {}) {
      const raw = read(name)
      const value = parseDurations(raw ?? fallback)
      if (value === undefined || value.length !== 1 || (options.allowZero !== true && value[0] === 0)) {
        problems.push(`${name} must be one ${options.allowZero === true ? '' : 'positive '}duration like "500ms", "30s" or "24h" (units ms, s, m, h, d), got "${raw}"`)
        return 0
      }
      return value[0]!
    },
    integer (name, fallback, min, max) {
      const raw = read(name)
      const digits = raw?.replaceAll('_', '')
      const value = digits === undefined ? fallback : /^\d+$/.test(digits) ? Number(digits) : Number.NaN
      if (!(value >= min && value <= max)) problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
      return value
    }
  }
}
