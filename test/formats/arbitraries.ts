// fast-check arbitraries for what editors and engines may send: Arabic, emoji, bidi controls,
// control characters, lone surrogates, non-characters, markup, entity text, DOCTYPE and entity
// declarations, line and paragraph separators, and anything else Unicode has.
import fc from 'fast-check'
import type { VersionEvent } from '../../schemas/articles.ts'
import type { PubStatus, StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import type { FormatInput } from '../../src/formats/registry.ts'

const TOKENS = [
  '<', '>', '&', '"', '\'', ']]>', '<![CDATA[', '<!--', '-->', '<?xml version="1.0"?>', '<script>', '</p>', '<p onclick="x">',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;', '&quot;', '&#39;', '&amp;', '&#x0;', '&nbsp;', '&lt;b&gt;',
  '\t', '\n', '\r', '\r\n', '\u0085', '\u2028', '\u2029', '\v', '\f', ' ', '\u00A0',
  '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C',
  '\uFFFE', '\uFFFF', '\uFFFD', '\uFEFF', '\u0000', '\u0007', '\u001B', '\u007F', '\u0080', '\u009F',
  '<b>', '</b>', '<i>', '</i>', '<strong>', '</strong>', '<em>', '</em>', '<B>', '</a>', '<a href="https://example.org/a?b=1&c=2">',
  '<a href="javascript:alert(1)">', '<a href=mailto:desk@example.org>', '<a href="https://x.example/"onclick="y">',
  '📰', '👩🏽‍💻', '🇯🇴', 'ـــ', 'ﷺ', 'ﻻ', '١٢٣', '؟', '،', 'é', 'ß',
]

const unit = fc.oneof(
  { arbitrary: fc.constantFrom(...TOKENS), weight: 4 },
  { arbitrary: fc.integer({ min: 0x0600, max: 0x06FF }).map((c) => String.fromCodePoint(c)), weight: 4 },
  { arbitrary: fc.integer({ min: 0xD800, max: 0xDFFF }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 }
)

/** Any text an editor might send, hostile parts over-represented. */
export const hostileText = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit, maxLength })

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined })

/** One random story version, its translation, and the provider name to render with. */
export interface StorySample {
  version: StoredVersion
  translation: StoredTranslation
  provider: FormatInput['provider']
}

export const storyInput: fc.Arbitrary<StorySample> =
  fc.record({
    guid: fc.oneof(hostileText(30).filter((s) => s.length > 0), fc.constantFrom('urn:pub:1', 'https://x.example/a?b=1#c', 'tag:x,2025:[1]')),
    version: fc.integer({ min: 1, max: 50 }),
    event: fc.constantFrom<VersionEvent>('new', 'update', 'correction', 'kill'),
    pubStatus: fc.constantFrom<PubStatus>('usable', 'withheld', 'canceled'),
    headline: hostileText(),
    paragraphs: fc.array(hostileText(120), { minLength: 1, maxLength: 4 }),
    byline: optional(hostileText()),
    dateline: optional(hostileText()),
    category: optional(fc.oneof(hostileText(), fc.constantFrom('politics', 'internationalNews', 'sport'))),
    slugline: optional(hostileText()),
    urgency: optional(fc.integer({ min: -1, max: 11 })),
    embargoed: fc.boolean(),
    images: fc.array(fc.record({
      href: fc.oneof(fc.constantFrom('https://images.example.org/a.jpg', 'http://x.example/p?q=1&r=2', 'ftp://x/y'), hostileText(20)),
      caption: optional(hostileText()),
    }), { maxLength: 3 }),
    captions: optional(fc.array(fc.option(hostileText(), { nil: null }), { maxLength: 3 })),
    lang: fc.constantFrom('en', 'fr', 'ur', 'en-GB'),
    tHeadline: hostileText(),
    tParagraphs: fc.array(hostileText(120), { maxLength: 4 }),
    tByline: optional(hostileText()),
    tDateline: optional(hostileText()),
    engine: hostileText(15),
    model: hostileText(30),
    providerName: hostileText(15),
  }).map((r) => {
    const version: StoredVersion = {
      id: 'ver_prop',
      articleId: 'art_prop',
      guid: r.guid,
      version: r.version,
      event: r.event,
      contentHash: 'sha256:0',
      pubStatus: r.pubStatus,
      status: 'translated',
      statusReason: null,
      firstCreated: '2025-10-14T07:00:00Z',
      versionCreated: '2025-10-14T08:00:00.250Z',
      content: {
        language: 'ar',
        headline: r.headline,
        paragraphs: r.paragraphs,
        ...(r.byline === undefined ? {} : { byline: r.byline }),
        ...(r.dateline === undefined ? {} : { dateline: r.dateline }),
        ...(r.category === undefined ? {} : { category: r.category }),
        ...(r.slugline === undefined ? {} : { slugline: r.slugline }),
        ...(r.urgency === undefined ? {} : { urgency: r.urgency }),
        ...(r.embargoed ? { embargoedUntil: '2025-10-15T00:00:00.000Z' } : {}),
        ...(r.images.length === 0
          ? {}
          : {
              images: r.images.map((i) => (i.caption === undefined ? { href: i.href } : { href: i.href, caption: i.caption })),
            }),
      },
    }
    const translation: StoredTranslation = {
      versionId: version.id,
      lang: r.lang,
      headline: r.tHeadline,
      paragraphs: r.tParagraphs,
      ...(r.tByline === undefined ? {} : { byline: r.tByline }),
      ...(r.tDateline === undefined ? {} : { dateline: r.tDateline }),
      ...(r.captions === undefined ? {} : { captions: r.captions }),
      engine: r.engine,
      model: r.model,
      charsSent: 1,
      requests: 1,
      createdAt: '2025-10-14T08:00:05Z',
    }
    return { version, translation, provider: { name: r.providerName, uri: 'https://nashra.example/' } }
  })
