// An Atom 1.0 entry (RFC 4287) for one story version in one language; the feed that collects
// entries belongs to distribution. Atom has fewer places than the IPTC formats, so:
// - id is the item guid (an IRI), updated the version's time, published the first version's;
// - author is the byline, or the provider when there is none (a lone entry must have one);
// - the translator is a contributor; the original is a link with Nashra's relation IRI, its
//   hreflang and its headline as title;
// - pubStatus, the update/correction signal and the subjects are categories whose scheme is the
//   IPTC vocabulary's URI (pubstatusg2, signal, mediatopic), so feed readers can filter on them;
// - the version number, urgency and embargo have no Atom element and are left out (an embargoed
//   story should not be in a public feed before its time; the feed decides that). A kill is a
//   canceled category here; the feed can add an RFC 6721 tombstone (at:deleted-entry).
// Text constructs are type="xhtml" for right-to-left languages so `dir` can be set; left-to-right
// text stays type="text".
import { NASHRA_SCHEMES } from './identifiers.ts'
import { MEDIA_TOPIC_SCHEME } from './media-topics.ts'
import type { FormatInput, RenderedDocument } from './registry.ts'
import { assertFormatVersion, langIfDifferent, storyOf, type Text } from './story.ts'
import { XHTML_NAMESPACE, xhtmlDiv } from './xhtml.ts'
import { el, serialize, type XmlElement } from './xml.ts'

export const ATOM_CONTENT_TYPE = 'application/atom+xml;type=entry'
export const ATOM_VERSIONS = ['1.0'] as const

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom'
const PUB_STATUS_SCHEME = 'http://cv.iptc.org/newscodes/pubstatusg2/'
const SIGNAL_SCHEME = 'http://cv.iptc.org/newscodes/signal/'

export function renderAtomEntry (input: FormatInput): RenderedDocument {
  return { contentType: ATOM_CONTENT_TYPE, body: serialize(atomEntryElement(input), { declaration: true, pretty: true }) }
}

/** The entry as an element tree, so a feed document can embed it without re-parsing markup. */
export function atomEntryElement (input: FormatInput): XmlElement {
  assertFormatVersion('atom', input.formatVersion, ATOM_VERSIONS)
  const story = storyOf(input.version, input.translation, input.provider)
  const signal = story.event === 'update' || story.event === 'correction' ? story.event : undefined
  const author = story.byline?.value ?? story.provider.name
  return el('entry', { xmlns: ATOM_NAMESPACE, 'xml:lang': story.lang },
    el('id', {}, story.guid),
    textConstruct('title', story.headline, story.lang),
    el('updated', {}, story.versionCreated),
    el('published', {}, story.firstCreated),
    el('author', {}, el('name', {}, author === '' ? 'Nashra' : author), story.provider.uri !== undefined && story.byline === undefined &&
      el('uri', {}, story.provider.uri)),
    story.translator !== undefined && el('contributor', {}, el('name', { 'xml:lang': 'en' }, story.translator.description)),
    story.isTranslation && el('link', {
      rel: `${NASHRA_SCHEMES.nrel}translationOf`,
      href: story.originalGuid,
      hreflang: story.sourceLang,
      title: story.originalHeadline?.value,
    }),
    el('category', { scheme: PUB_STATUS_SCHEME, term: story.pubStatus, label: story.pubStatus }),
    signal !== undefined && el('category', { scheme: SIGNAL_SCHEME, term: signal, label: signal }),
    story.subjects.map((topic) => el('category', {
      scheme: MEDIA_TOPIC_SCHEME,
      term: topic.qcode.slice('medtop:'.length),
      label: topic.name,
      'xml:lang': 'en',
    })),
    story.category !== undefined && el('category', { term: story.category }),
    // Pictures travel as enclosures too, for readers that do not look inside the content.
    story.images.map((image) => el('link', { rel: 'enclosure', href: image.href, title: image.caption?.value })),
    story.notice !== undefined && el('summary', { 'xml:lang': 'en' }, story.notice),
    el('content', { type: 'xhtml' }, xhtmlDiv(story)))
}

function textConstruct (name: string, text: Text, itemLang: string): XmlElement {
  // A kill's English headline inside an Arabic entry says which language it is in.
  if (text.dir === 'ltr') return el(name, { type: 'text', 'xml:lang': langIfDifferent(text, itemLang) }, text.value)
  return el(name, { type: 'xhtml' }, el('div', { xmlns: XHTML_NAMESPACE, dir: 'rtl' }, text.value))
}
