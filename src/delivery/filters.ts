// Which stories a subscriber wants: its category and urgency filters against a version's content.
import type { ArticleContent } from '../articles/types.ts'
import type { SubscriberFilters } from '../../schemas/subscribers.ts'

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
