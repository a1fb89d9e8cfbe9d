// NewsML-G2 2.35 newsItem (Power conformance) for one story version, in its original language or
// in one translation. Pure: the body depends on the input only, since deliveries are signed once
// and retried byte for byte. Element order follows the 2.35 XSD sequences (IPTC's XSD is in the
// conformance kit beside the checkout, ../shared/conformance/); the golden files under
// test/fixtures/golden/newsml-g2-2.35/ are validated against it in the tests and in CI.
import { NASHRA_SCHEMES } from './identifiers.ts'
import type { FormatInput, RenderedDocument } from './registry.ts'
import { assertFormatVersion, langIfDifferent, type Story, storyOf, type Text } from './story.ts'
import { xhtmlDocument } from './xhtml.ts'
import { type AttrValue, el, serialize, type XmlElement } from './xml.ts'

export const NEWSML_G2_CONTENT_TYPE = 'application/vnd.iptc.g2.newsitem+xml'
export const NEWSML_G2_VERSIONS = ['2.35'] as const

export const G2_NAMESPACE = 'http://iptc.org/std/nar/2006-10-01/'
// Declares stat:, sig:, ninat:, cpnat: and medtop:, the IPTC schemes the items use.
export const IPTC_CATALOG = 'http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml'

export function renderNewsmlG2 (input: FormatInput): RenderedDocument {
  assertFormatVersion('newsml-g2', input.formatVersion, NEWSML_G2_VERSIONS)
  const story = storyOf(input.version, input.translation, input.provider)
  return { contentType: NEWSML_G2_CONTENT_TYPE, body: serialize(newsItem(story), { declaration: true, pretty: true }) }
}

/** The newsItem element, also used inside newsMessage. */
export function newsItem (story: Story): XmlElement {
  return el('newsItem', {
    xmlns: G2_NAMESPACE,
    guid: story.guid,
    version: story.version,
    standard: 'NewsML-G2',
    standardversion: '2.35',
    conformance: 'power',
    'xml:lang': story.lang,
  },
  el('catalogRef', { href: IPTC_CATALOG }),
  story.isTranslation && nashraCatalog(),
  itemMeta(story),
  contentMeta(story),
  el('contentSet', {}, el('inlineXML', { contenttype: 'application/xhtml+xml' }, xhtmlDocument(story))))
}

// The relation and role used by translations have no IPTC terms, so the item declares the
// project's own schemes; a QCode must resolve through the item's catalogs to be meaningful.
function nashraCatalog (): XmlElement {
  return el('catalog', {},
    el('scheme', { alias: 'nrel', uri: NASHRA_SCHEMES.nrel },
      el('name', { 'xml:lang': 'en' }, 'Nashra item relations')),
    el('scheme', { alias: 'nrol', uri: NASHRA_SCHEMES.nrol },
      el('name', { 'xml:lang': 'en' }, 'Nashra contributor roles')))
}

function itemMeta (story: Story): XmlElement {
  const signal = story.event === 'update' || story.event === 'correction' ? `sig:${story.event}` : undefined
  return el('itemMeta', {},
    el('itemClass', { qcode: 'ninat:text' }),
    el('provider', { uri: story.provider.uri }, el('name', {}, story.provider.name)),
    el('versionCreated', {}, story.versionCreated),
    el('firstCreated', {}, story.firstCreated),
    story.embargoedUntil !== undefined && el('embargoed', {}, story.embargoedUntil),
    el('pubStatus', { qcode: `stat:${story.pubStatus}` }),
    story.notice !== undefined && el('edNote', { 'xml:lang': story.lang === 'en' ? undefined : 'en' }, story.notice),
    story.note !== undefined && el('edNote', textAttrs(story.note, story.lang), story.note.value),
    signal !== undefined && el('signal', { qcode: signal }),
    // link must come last in itemMeta.
    story.isTranslation && el('link', {
      rel: 'nrel:translationOf',
      residref: story.originalGuid,
      version: story.version,
      contenttype: NEWSML_G2_CONTENT_TYPE,
    }))
}

function contentMeta (story: Story): XmlElement {
  const lang = story.lang
  const named = (name: string, value: Text): XmlElement => el(name, textAttrs(value, lang), value.value)
  return el('contentMeta', {},
    // Order matters up to `language`: urgency, contentCreated, contentModified, then parties.
    story.urgency !== undefined && el('urgency', {}, String(story.urgency)),
    el('contentCreated', {}, story.contentCreated),
    story.contentModified !== undefined && el('contentModified', {}, story.contentModified),
    story.located !== undefined && el('located', {}, named('name', story.located)),
    story.byline !== undefined && el('creator', {}, named('name', story.byline)),
    story.translator !== undefined && el('contributor', { role: 'nrol:machineTranslation' },
      el('name', { 'xml:lang': lang === 'en' ? undefined : 'en' }, story.translator.description)),
    el('language', { tag: lang }),
    story.category !== undefined && el('keyword', {}, story.category),
    story.subjects.map((topic) => el('subject', { type: 'cpnat:abstract', qcode: topic.qcode },
      el('name', { 'xml:lang': lang === 'en' ? undefined : 'en' }, topic.name))),
    story.slugline !== undefined && named('slugline', story.slugline),
    named('headline', story.headline),
    story.originalHeadline !== undefined && named('headline', story.originalHeadline),
    story.dateline !== undefined && named('dateline', story.dateline),
    story.byline !== undefined && named('by', story.byline))
}

/** xml:lang when the text's language differs from the item's; dir whenever it is right-to-left. */
function textAttrs (text: Text, itemLang: string): Record<string, AttrValue> {
  return { 'xml:lang': langIfDifferent(text, itemLang), dir: text.dir === 'rtl' ? 'rtl' : undefined }
}
