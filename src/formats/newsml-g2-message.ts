// A NewsML-G2 2.35 newsMessage that carries a story version in its original language together
// with its translations, one newsItem each, so a partner gets every language in one document.
//
// Which translations ride along is decided by the requested language, which keeps the formatter
// contract (version, language) → document that every other format has:
// - the original language (translation === null): the original and every translation given in
//   `translations`. The distribution stage renders it this way, once per version and subscriber,
//   with the translations the subscriber wants (registry.ts: allLanguagesInOne);
// - a translation's language: the original and that one translation (renditions API).
// Items are ordered original first, then by language tag, so the bytes never depend on the
// order storage happened to return translations in.
import type { StoredTranslation } from '../articles/types.ts'
import { G2_NAMESPACE, NEWSML_G2_VERSIONS, newsItem } from './newsml-g2.ts'
import type { FormatInput, RenderedDocument } from './registry.ts'
import { assertFormatVersion, storyOf } from './story.ts'
import { el, serialize } from './xml.ts'

export const NEWSML_G2_MESSAGE_CONTENT_TYPE = 'application/vnd.iptc.g2.newsmessage+xml'

export function renderNewsmlG2Message (input: FormatInput): RenderedDocument {
  assertFormatVersion('newsml-g2-message', input.formatVersion, NEWSML_G2_VERSIONS)
  const { version, provider } = input
  const carried = input.translation === null ? distinctByLanguage(input.translations ?? []) : [input.translation]
  const stories = [storyOf(version, null, provider), ...carried.map((t) => storyOf(version, t, provider))]
  const original = stories[0]!
  // "sent" must be a pure function of the input too: the moment the newest item came into being.
  const sent = stories.map((story) => story.versionCreated).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a))
  const message = el('newsMessage', { xmlns: G2_NAMESPACE },
    el('header', {},
      el('sent', {}, sent),
      original.provider.name !== '' && el('sender', {}, original.provider.name),
      el('transmitId', {}, `${original.originalGuid} v${version.version} ${stories.map((s) => s.lang).join(' ')}`),
      original.urgency !== undefined && el('priority', {}, String(original.urgency))),
    el('itemSet', {}, stories.map(newsItem)))
  return { contentType: NEWSML_G2_MESSAGE_CONTENT_TYPE, body: serialize(message, { declaration: true, pretty: true }) }
}

function distinctByLanguage (translations: readonly StoredTranslation[]): StoredTranslation[] {
  const byLang = new Map<string, StoredTranslation>()
  for (const translation of translations) {
    const key = translation.lang.toLowerCase()
    if (!byLang.has(key)) byLang.set(key, translation)
  }
  return [...byLang.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t)
}
