// NewsML-G2 2.35 newsItem (Power conformance) for one story version, in its original language or
// in one translation. Pure: the body depends on the input only, since deliveries are signed once
// and retried byte for byte. Element order follows the 2.35 XSD sequences (see the notes in
// /work/shared/notes/facts.md, "IPTC formats"); the golden files under
// test/fixtures/golden/newsml-g2/ are validated against the XSD in the tests.
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import {
  isLanguageTag,
  languageDirection,
  NASHRA_SCHEMES,
  originalItemGuid,
  translationItemGuid,
} from './identifiers.ts'
import type { FormatInput, Provider } from './registry.ts'
import { type AttrValue, collapseWhitespace, el, serialize, type XmlChild, type XmlElement } from './xml.ts'

export const NEWSML_G2_CONTENT_TYPE = 'application/vnd.iptc.g2.newsitem+xml'

const G2_NAMESPACE = 'http://iptc.org/std/nar/2006-10-01/'
const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml'
const IPTC_CATALOG = 'http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml'

export interface NewsmlG2Document {
  contentType: typeof NEWSML_G2_CONTENT_TYPE
  body: string
}

/** A piece of human-readable text and the language it is written in. */
interface Text {
  value: string
  lang: string
}

/** What the item says, in the item's language, whichever of original/translation it comes from. */
interface ItemText {
  guid: string
  lang: string
  versionCreated: string
  headline: Text
  paragraphs: string[]
  byline?: Text
  dateline?: Text
}

export function renderNewsmlG2 (input: FormatInput): NewsmlG2Document {
  const { version, translation, provider } = input
  const text = itemText(version, translation)
  const item = el('newsItem', {
    xmlns: G2_NAMESPACE,
    guid: text.guid,
    version: version.version,
    standard: 'NewsML-G2',
    standardversion: '2.35',
    conformance: 'power',
    'xml:lang': text.lang,
  },
  el('catalogRef', { href: IPTC_CATALOG }),
  translation !== null && nashraCatalog(),
  itemMeta(version, translation, text, provider),
  contentMeta(version, translation, text),
  contentSet(text))
  return { contentType: NEWSML_G2_CONTENT_TYPE, body: serialize(item, { declaration: true, pretty: true }) }
}

function itemText (version: StoredVersion, translation: StoredTranslation | null): ItemText {
  const content = version.content
  assertLanguageTag(content.language, 'version.content.language')
  const original = (value: string): Text => ({ value, lang: content.language })
  if (translation === null) {
    return {
      guid: originalItemGuid(version.guid),
      lang: content.language,
      versionCreated: version.versionCreated,
      headline: original(content.headline),
      paragraphs: content.paragraphs,
      byline: content.byline === undefined ? undefined : original(content.byline),
      dateline: content.dateline === undefined ? undefined : original(content.dateline),
    }
  }
  // Rendering the translation of another version would publish text under the wrong guid/version.
  if (translation.versionId !== version.id) {
    throw new Error(`Translation belongs to version ${translation.versionId}, not ${version.id}`)
  }
  assertLanguageTag(translation.lang, 'translation.lang')
  const translated = (value: string): Text => ({ value, lang: translation.lang })
  // A byline or dateline the engine did not translate is still worth showing, tagged as original.
  const pick = (own: string | undefined, fallback: string | undefined): Text | undefined =>
    own !== undefined ? translated(own) : fallback !== undefined ? original(fallback) : undefined
  return {
    guid: translationItemGuid(version.guid, translation.lang),
    lang: translation.lang,
    // The translated item's current version came into being when the translation was made.
    versionCreated: translation.createdAt,
    headline: translated(translation.headline),
    paragraphs: translation.paragraphs,
    byline: pick(translation.byline, content.byline),
    dateline: pick(translation.dateline, content.dateline),
  }
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

function itemMeta (version: StoredVersion, translation: StoredTranslation | null, text: ItemText, provider: Provider): XmlElement {
  return el('itemMeta', {},
    el('itemClass', { qcode: 'ninat:text' }),
    el('provider', { uri: provider.uri }, el('name', {}, collapseWhitespace(provider.name))),
    el('versionCreated', {}, text.versionCreated),
    el('firstCreated', {}, version.firstCreated),
    el('pubStatus', { qcode: `stat:${version.pubStatus}` }),
    // link must come last in itemMeta.
    translation !== null && el('link', {
      rel: 'nrel:translationOf',
      residref: originalItemGuid(version.guid),
      version: version.version,
      contenttype: NEWSML_G2_CONTENT_TYPE,
    }))
}

function contentMeta (version: StoredVersion, translation: StoredTranslation | null, text: ItemText): XmlElement {
  const content = version.content
  const urgency = content.urgency
  const category = content.category === undefined ? '' : collapseWhitespace(content.category)
  return el('contentMeta', {},
    // Order matters up to `language`: urgency, contentCreated, contentModified, then parties.
    urgency !== undefined && Number.isInteger(urgency) && urgency >= 1 && urgency <= 9 &&
      el('urgency', {}, String(urgency)),
    el('contentCreated', {}, version.firstCreated),
    version.version > 1 && el('contentModified', {}, version.versionCreated),
    text.byline !== undefined &&
      el('creator', {}, el('name', textAttrs(text.byline, text.lang), collapseWhitespace(text.byline.value))),
    translation !== null && machineTranslator(translation, content.language),
    el('language', { tag: text.lang }),
    // The category is the one short, stable token a story has; partners file by slugline.
    category !== '' && el('slugline', {}, category),
    headline(text.headline, text.lang),
    translation !== null && headline({ value: content.headline, lang: content.language }, text.lang),
    text.dateline !== undefined && el('dateline', textAttrs(text.dateline, text.lang), collapseWhitespace(text.dateline.value)),
    text.byline !== undefined && el('by', textAttrs(text.byline, text.lang), collapseWhitespace(text.byline.value)))
}

function headline (value: Text, itemLang: string): XmlElement {
  return el('headline', textAttrs(value, itemLang), collapseWhitespace(value.value))
}

// The translator is a contributor; IPTC's contributor-role scheme is retired, hence `nrol:`.
function machineTranslator (translation: StoredTranslation, sourceLang: string): XmlElement {
  const engine = collapseWhitespace(translation.engine)
  const model = collapseWhitespace(translation.model)
  const description = `Machine translation from ${sourceLang} to ${translation.lang} (engine: ${engine}; model: ${model})`
  return el('contributor', { role: 'nrol:machineTranslation' },
    el('name', { 'xml:lang': 'en' }, description))
}

function contentSet (text: ItemText): XmlElement {
  const rtl = languageDirection(text.lang) === 'rtl'
  // inlineXML takes exactly one element, so the XHTML document is wrapped in its <html> root.
  const html = el('html', { xmlns: XHTML_NAMESPACE, lang: text.lang, 'xml:lang': text.lang, dir: rtl ? 'rtl' : undefined },
    el('head', {}, el('title', {}, collapseWhitespace(text.headline.value))),
    el('body', {}, paragraphs(text.paragraphs)))
  return el('contentSet', {}, el('inlineXML', { contenttype: 'application/xhtml+xml' }, html))
}

function paragraphs (values: readonly string[]): XmlChild[] {
  return values.map((value) => el('p', {}, value))
}

/** xml:lang when the text's language differs from the item's; dir whenever it is right-to-left. */
function textAttrs (text: Text, itemLang: string): Record<string, AttrValue> {
  return {
    'xml:lang': text.lang.toLowerCase() === itemLang.toLowerCase() ? undefined : text.lang,
    dir: languageDirection(text.lang) === 'rtl' ? 'rtl' : undefined,
  }
}

// A bad tag would make xml:lang and language/@tag invalid; failing here names the culprit.
function assertLanguageTag (tag: string, field: string): void {
  if (!isLanguageTag(tag)) throw new RangeError(`${field} is not a BCP 47 language tag: ${JSON.stringify(tag)}`)
}
