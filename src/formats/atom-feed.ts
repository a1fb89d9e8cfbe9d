// An Atom 1.0 feed document (RFC 4287) of one pull subscriber's items, for feed readers and CMSs
// that poll Atom rather than read the JSON feed. Pure: the route gathers the items.
// - Entries are the Atom entry formatter's own element trees (atomEntryElement), so an entry in
//   the feed is exactly what a push subscriber taking `atom` gets, whatever format this
//   subscriber takes for push.
// - Items keep their sequence order (oldest first) and pages chain with rel="next" (RFC 5005
//   paging), like `after` in the JSON feed; a reader that follows next never misses an item.
// - A kill is an RFC 6721 tombstone *instead of* an entry. Both are allowed for the same id (the
//   tombstone wins when its `when` is not before the entry's `updated`), but a reader that does
//   not know the tombstone extension ignores it and would show the kill entry, i.e. republish the
//   withdrawn story's text; the tombstone alone tells RFC 6721 readers to remove it and gives the
//   others nothing to publish.
import type { VersionEvent } from '../../schemas/articles.ts'
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import { ATOM_NAMESPACE, atomEntryElement } from './atom.ts'
import type { Provider, RenderedDocument } from './registry.ts'
import { storyOf } from './story.ts'
import { collapseWhitespace, el, serialize, type XmlElement } from './xml.ts'

export const ATOM_FEED_CONTENT_TYPE = 'application/atom+xml; charset=utf-8'
export const TOMBSTONE_NAMESPACE = 'http://purl.org/atompub/tombstones/1.0'

export interface AtomFeedItem {
  sequence: number
  event: VersionEvent
  version: StoredVersion
  /** The item's language, or null when it is the original. */
  translation: StoredTranslation | null
}

export interface AtomFeedInput {
  subscriberId: string
  provider: Provider
  /** In sequence order. */
  items: readonly AtomFeedItem[]
  /** Absolute URL of the feed without its query, for the self and next links. */
  href: string
  after: number
  limit: number
  /** The `after` of the next page when more items exist, else null (no next link). */
  next: number | null
  /** The feed's `updated` when it has no items (ISO 8601). */
  now: string
}

export function renderAtomFeed (input: AtomFeedInput): RenderedDocument {
  return { contentType: ATOM_FEED_CONTENT_TYPE, body: serialize(atomFeedElement(input), { declaration: true, pretty: true }) }
}

export function atomFeedElement (input: AtomFeedInput): XmlElement {
  const providerName = collapseWhitespace(input.provider.name) || 'Nashra'
  const children = input.items.map((item) => item.event === 'kill' ? tombstone(item, input.provider) : entry(item, input.provider))
  const page = (after: number): string => `${input.href}?after=${after}&limit=${input.limit}`
  return el('feed', { xmlns: ATOM_NAMESPACE },
    el('id', {}, `urn:nashra:feed:${input.subscriberId}`),
    el('title', { type: 'text' }, `${providerName}: stories`),
    el('updated', {}, newest(children.map((child) => child.time)) ?? input.now),
    el('author', {}, el('name', {}, providerName), input.provider.uri !== undefined && el('uri', {}, input.provider.uri)),
    el('generator', {}, 'Nashra'),
    el('link', { rel: 'self', type: 'application/atom+xml', href: page(input.after) }),
    input.next !== null && el('link', { rel: 'next', type: 'application/atom+xml', href: page(input.next) }),
    children.map((child) => child.element))
}

interface Child {
  element: XmlElement
  /** The entry's updated, or the tombstone's when. */
  time: string
}

function entry (item: AtomFeedItem, provider: Provider): Child {
  const element = atomEntryElement({ version: item.version, translation: item.translation, provider })
  // The feed declares the Atom namespace once; repeating it on every entry is legal but noise.
  const embedded: XmlElement = { ...element, attrs: { ...element.attrs, xmlns: undefined } }
  return { element: embedded, time: childText(element, 'updated') ?? item.version.versionCreated }
}

function tombstone (item: AtomFeedItem, provider: Provider): Child {
  // ref must be the atom:id earlier entries of this story in this language carried: the same
  // story view the entry formatter takes its id from.
  const story = storyOf(item.version, item.translation, provider)
  // The kill version's own time, not the translation's: a kill reuses the latest translations,
  // whose creation time is older than entries a reader may already hold.
  const when = item.version.versionCreated
  const element = el('at:deleted-entry', { 'xmlns:at': TOMBSTONE_NAMESPACE, ref: story.guid, when },
    el('at:by', {}, el('name', {}, collapseWhitespace(provider.name) || 'Nashra')),
    story.notice !== undefined && el('at:comment', { 'xml:lang': 'en' }, story.notice))
  return { element, time: when }
}

function childText (element: XmlElement, name: string): string | undefined {
  for (const child of element.children) {
    if (typeof child !== 'string' && child.name === name && typeof child.children[0] === 'string') return child.children[0]
  }
  return undefined
}

// Times are compared as instants: stored times differ in their fractional seconds.
function newest (times: readonly string[]): string | undefined {
  let best: string | undefined
  for (const time of times) {
    if (best === undefined || Date.parse(time) > Date.parse(best)) best = time
  }
  return best
}
