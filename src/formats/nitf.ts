// NITF 3.6 in its namespace (the XSD-era NITF the IPTC kit validates), for one story version in
// one language. Where each piece of the story goes:
// - guid, version: docdata/doc-id (id-string) and docdata/du-key (key + version);
// - pubStatus: docdata/@management-status (usable, withheld, canceled: NITF's own values);
// - update/correction/kill: docdata/ed-msg (msg-type + English note), plus docdata/correction
//   for a correction, which NITF defines for exactly that;
// - dates: docdata/date.issue (this version), date.release (embargo), head/meta first-created;
// - urgency: docdata/urgency/@ed-urg; subjects: docdata/identified-content/classifier with the
//   Media Topic URI (tobject.subject is for the older Subject Codes); category: key-list/keyword;
// - headline: head/title and body.head/hedline, and the Arabic headline as a second hedline;
// - byline, distributor (the provider), dateline with the place as <location>;
// - the translator: head/revision-history; the original: head/meta translation-of;
// - paragraphs in body.content (inline emphasis as <em>, links as <a>), pictures as <media>.
// NITF has no dir attribute; direction is marked with ITS 2.0 `its:dir`, which NITF's
// "any attribute from another namespace" slots allow.
import type { FormatInput, RenderedDocument } from './registry.ts'
import { mediaTopicUri } from './media-topics.ts'
import { assertFormatVersion, langIfDifferent, type Story, type StoryImage, storyOf, type Text } from './story.ts'
import { type InlineTagMap, inlineNodes } from './inline.ts'
import { type AttrValue, el, serialize, type XmlChild, type XmlElement } from './xml.ts'

export const NITF_CONTENT_TYPE = 'application/nitf+xml'
export const NITF_VERSIONS = ['3.6'] as const

const NITF_NAMESPACE = 'http://iptc.org/std/NITF/2006-10-18/'
const ITS_NAMESPACE = 'http://www.w3.org/2005/11/its'

export function renderNitf (input: FormatInput): RenderedDocument {
  assertFormatVersion('nitf', input.formatVersion, NITF_VERSIONS)
  const story = storyOf(input.version, input.translation, input.provider)
  const nitf = el('nitf', {
    xmlns: NITF_NAMESPACE,
    'xmlns:its': ITS_NAMESPACE,
    version: '-//IPTC//DTD NITF 3.6//EN',
    baselang: story.lang,
    'xml:lang': story.lang,
    'its:version': '2.0',
    'its:dir': story.dir,
  }, head(story), body(story))
  return { contentType: NITF_CONTENT_TYPE, body: serialize(nitf, { declaration: true, pretty: true }) }
}

function head (story: Story): XmlElement {
  const translator = story.translator
  return el('head', {},
    el('title', {}, story.headline.value),
    el('meta', { name: 'first-created', content: story.firstCreated }),
    story.isTranslation && el('meta', { name: 'translation-of', content: story.originalGuid }),
    docdata(story),
    translator !== undefined && el('revision-history', {
      name: `${translator.engine} (${translator.model})`,
      function: 'other',
      norm: nitfDate(story.versionCreated),
      comment: translator.description,
    }))
}

function docdata (story: Story): XmlElement {
  const keywords: XmlChild = story.category !== undefined && el('key-list', {}, el('keyword', { key: story.category }))
  return el('docdata', { 'management-status': story.pubStatus },
    story.event === 'correction' && el('correction', { info: story.notice, 'id-string': story.guid }),
    el('doc-id', { 'id-string': story.guid, regsrc: story.provider.name || undefined }),
    story.urgency !== undefined && el('urgency', { 'ed-urg': String(story.urgency) }),
    el('date.issue', { norm: nitfDate(story.versionCreated) }),
    story.embargoedUntil !== undefined && el('date.release', { norm: nitfDate(story.embargoedUntil) }),
    story.notice !== undefined && el('ed-msg', { 'msg-type': story.event, info: story.notice }),
    story.note !== undefined && el('ed-msg', { 'msg-type': 'editor-note', info: story.note.value }),
    el('du-key', { key: story.guid, version: String(story.version) }),
    keywords,
    story.subjects.length > 0 && el('identified-content', {}, story.subjects.map((topic) =>
      el('classifier', { type: 'subject', idsrc: 'http://cv.iptc.org/newscodes/mediatopic/', value: mediaTopicUri(topic), 'xml:lang': 'en' }, topic.name))))
}

function body (story: Story): XmlElement {
  return el('body', {},
    el('body.head', {},
      hedline(story.headline, story.lang),
      story.originalHeadline !== undefined && hedline(story.originalHeadline, story.lang),
      story.byline !== undefined && el('byline', textAttrs(story.byline, story.lang), story.byline.value),
      story.provider.name !== '' && el('distributor', {}, story.provider.name),
      story.dateline !== undefined && dateline(story)),
    el('body.content', {},
      story.paragraphs.map((paragraph) => el('p', {}, inlineNodes(paragraph, NITF_INLINE))),
      // A kill's body is its notice alone (story.ts says why).
      story.withdrawn === true && el('p', { 'xml:lang': story.lang === 'en' ? undefined : 'en', 'its:dir': story.lang === 'en' ? undefined : 'ltr' }, story.notice),
      story.images.map((image) => media(image, story.lang))))
}

// NITF's enriched text has <em> and <a>, no bold or italic elements: emphasis keeps its strength
// in the class.
const NITF_INLINE: InlineTagMap = {
  b: { name: 'em', attrs: { class: 'bold' } },
  strong: { name: 'em', attrs: { class: 'strong' } },
  i: { name: 'em', attrs: { class: 'italic' } },
  em: { name: 'em' },
  a: { name: 'a' },
}

function media (image: StoryImage, itemLang: string): XmlElement {
  const caption = image.caption
  return el('media', { 'media-type': 'image' },
    el('media-reference', { source: image.href, 'alternate-text': caption?.value }),
    caption !== undefined && el('media-caption', textAttrs(caption, itemLang), caption.value))
}

function hedline (text: Text, itemLang: string): XmlElement {
  return el('hedline', textAttrs(text, itemLang), el('hl1', {}, text.value))
}

// The place is marked up inside the dateline when the dateline starts with it.
function dateline (story: Story): XmlElement {
  const dateline = story.dateline!
  const place = story.located?.value
  const attrs = textAttrs(dateline, story.lang)
  if (place === undefined || !dateline.value.startsWith(place)) return el('dateline', attrs, dateline.value)
  return el('dateline', attrs, el('location', {}, place), dateline.value.slice(place.length))
}

function textAttrs (text: Text, itemLang: string): Record<string, AttrValue> {
  const lang = langIfDifferent(text, itemLang)
  return { 'xml:lang': lang, 'its:dir': lang === undefined ? undefined : text.dir }
}

/** NITF's normalised date: 20251014T074210Z (ISO 8601 basic format, UTC). */
export function nitfDate (iso: string): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso.replace(/[^0-9TZ]/g, '')
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
}
