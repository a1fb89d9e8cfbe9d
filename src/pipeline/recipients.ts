// Which subscribers want a story: their category and urgency filters against a version's content.
// Both stages ask: translation, for the languages to make; distribution, for whom to send them to.
import type { ArticleContent } from '../articles/types.ts'
import type { SubscriberFilters } from '../../schemas/subscribers.ts'
import type { Storage, Subscriber } from '../storage/types.ts'

/** Urgency assumed for a story sent without one: IPTC's "normal". */
export const DEFAULT_URGENCY = 5

export function matchesFilters (filters: SubscriberFilters, content: ArticleContent): boolean {
  if (filters.categories !== undefined && filters.categories.length > 0) {
    const category = content.category?.toLowerCase()
    if (category === undefined || !filters.categories.some((c) => c.toLowerCase() === category)) return false
  }
  // Urgency 1 is the most urgent: "at least as urgent as n" means a number no higher than n.
  if (filters.minUrgency !== undefined && (content.urgency ?? DEFAULT_URGENCY) > filters.minUrgency) return false
  return true
}

/** Active subscribers whose filters match the content. */
export async function wantingSubscribers (storage: Storage, content: ArticleContent): Promise<Subscriber[]> {
  return (await storage.listActiveSubscribers()).filter((s) => matchesFilters(s.filters, content))
}
