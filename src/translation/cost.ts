// What translation costs: the engine bills characters sent (Google: $20 per million for NMT, the
// default of TRANSLATION_PRICE_PER_MILLION_CHARS); the memory's reuse is what it saved. Used by
// the article view (per story and language) and GET /v1/usage (per day and language).
import { InvalidInputError } from '../errors.ts'
import type { LanguageUsage, Storage } from '../storage/types.ts'

export interface Cost {
  charsSent: number
  charsReused: number
  requests: number
  /** US dollars, rounded to the micro-dollar. */
  estimatedCost: number
}

export function estimateCost (charsSent: number, pricePerMillionChars: number): number {
  return Math.round(charsSent * pricePerMillionChars) / 1_000_000
}

export function withCost (usage: Omit<LanguageUsage, 'lang'>, pricePerMillionChars: number): Cost {
  return {
    charsSent: usage.charsSent,
    charsReused: usage.charsReused,
    requests: usage.requests,
    estimatedCost: estimateCost(usage.charsSent, pricePerMillionChars)
  }
}

/** Per language and in total. */
export function summarize (usages: LanguageUsage[], pricePerMillionChars: number): { byLanguage: Record<string, Cost>; total: Cost } {
  const byLanguage: Record<string, Cost> = {}
  const sum = { charsSent: 0, charsReused: 0, requests: 0 }
  for (const u of usages) {
    const previous = byLanguage[u.lang]
    const merged = {
      charsSent: u.charsSent + (previous?.charsSent ?? 0),
      charsReused: u.charsReused + (previous?.charsReused ?? 0),
      requests: u.requests + (previous?.requests ?? 0)
    }
    byLanguage[u.lang] = withCost(merged, pricePerMillionChars)
    sum.charsSent += u.charsSent
    sum.charsReused += u.charsReused
    sum.requests += u.requests
  }
  return { byLanguage, total: withCost(sum, pricePerMillionChars) }
}

const DAY_MS = 86_400_000
/** The longest span one report covers: the table is read by its (day, lang) key, but bounded anyway. */
const MAX_DAYS = 366

/** GET /v1/usage: cost per UTC day and language from since to until (inclusive). */
export async function usageReport (storage: Storage, query: { since?: string | undefined; until?: string | undefined },
  pricePerMillionChars: number, now: Date) {
  const until = query.until ?? now.toISOString().slice(0, 10)
  const since = query.since ?? new Date(Date.parse(`${until}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10)
  const span = (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY_MS
  if (span < 0) throw new InvalidInputError('/querystring/since', `is after until (${until})`)
  if (span >= MAX_DAYS) throw new InvalidInputError('/querystring/since', `starts more than ${MAX_DAYS} days before until; ask for a shorter span`)
  const rows = await storage.usageByDay(since, until)
  return {
    since,
    until,
    currency: 'USD' as const,
    pricePerMillionChars,
    days: rows.map((r) => ({ day: r.day, lang: r.lang, ...withCost(r, pricePerMillionChars) })),
    ...summarize(rows, pricePerMillionChars)
  }
}
