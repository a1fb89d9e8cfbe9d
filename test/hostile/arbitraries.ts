// fast-check arbitraries for hostile requests: values of every JSON type in the wrong places,
// edge-case dates and numbers, unknown fields, ids that are not ids, and well-formed values
// mixed in so that some requests are accepted and go further.
import fc from 'fast-check'
import { hostileText } from '../formats/arbitraries.ts'

/** Strings that break naive date handling: leap seconds, year 0, overflowing offsets, no zone. */
export const EDGE_DATES = [
  '2026-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z', '1970-01-01T01:00:00+01:00', '2026-02-29T00:00:00Z', '2024-02-29T12:00:00+05:30', '2026-13-01T00:00:00Z',
  '2026-01-01T24:00:00Z', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+03:60',
  '+010000-01-01T00:00:00Z', '2026-01-01', 'now', '', '2026-01-01T00:00:00.123456789Z', '2026-01-01t10:00:00z', '١٩٧٠-٠١-٠١T00:00:00Z'
]

/** Numbers, and strings that look like numbers, that break naive parsing. */
export const EDGE_NUMBERS = ['Infinity', '+Infinity', '-Infinity', '1e400', '-1', '1.5', 'NaN', '0x10', '', ' ', '9007199254740993', '31', '30.5', '1e3', '٣', '0', '00', '+1']

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** Date-times assembled from fields that may each be out of range. */
export const looseDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EDGE_DATES),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom('Z', '+00:00', '-23:59', '+23:59', '+24:00', '-00:60', '+03:00', ''))
    .map(([y, mo, d, h, mi, s, z]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${z}`)
)

/** Any JSON value, hostile ones over-represented. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, '', ' ', '\u0000', 'Infinity', '1', '["admin"]',
    ['admin'], { $ne: 1 }, [], {}, 'x'.repeat(5000), { toString: 'x' }),
  fc.constantFrom(...EDGE_NUMBERS),
  looseDate,
  hostileText(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 })
)

/** Mostly a well-formed value, sometimes (1 in odds + 1) a hostile one. */
export const usually = <T>(valid: fc.Arbitrary<T>, odds = 4): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: odds }, { arbitrary: hostileValue, weight: 1 })

/** Valid RFC 3339 date-times with offsets whose UTC instant stays within 1970–9999. */
export const validDate: fc.Arbitrary<string> = fc.tuple(
  fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
  fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })
).map(([d, offset]) => {
  const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 19)
  const sign = offset < 0 ? '-' : '+'
  return `${local}${sign}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`
})

/** A few unknown fields, sometimes. */
export const unknownFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 5 },
  { arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostileValue, { maxKeys: 2 }), weight: 1 }
)

const ARABIC_HEADLINES = ['وزير الزراعة يعلن بدء موسم قطاف الزيتون', 'قمة عربية في عمّان', 'ارتفاع أسعار الوقود']
const ARABIC_PARAGRAPHS = ['قال الوزير إن الموسم استثنائي هذا العام.', 'وأضاف أن الإنتاج سيرتفع بنسبة كبيرة.', 'وتابع المزارعون العمل منذ الصباح الباكر.']

/** Arabic text with hostile pieces inside, so most stories pass the source-language check. */
export const arabicText: fc.Arbitrary<string> = fc.tuple(fc.constantFrom(...ARABIC_HEADLINES), hostileText(12))
  .map(([arabic, noise]) => `${arabic} ${noise}`)

// A story has a dozen fields: each is hostile rarely, so that many stories get through whole.
const rarely = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => usually(valid, 20)

export const articleBody: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  fc.record({
    guid: rarely(fc.stringMatching(/^urn:hostile:[a-z0-9]{1,12}$/)),
    headline: rarely(arabicText),
    body: rarely(fc.array(fc.oneof(fc.constantFrom(...ARABIC_PARAGRAPHS), arabicText), { minLength: 1, maxLength: 4 }).map((p) => p.join('\n'))),
    byline: rarely(arabicText),
    dateline: rarely(arabicText),
    category: rarely(fc.constantFrom('politics', 'sport', 'economy')),
    urgency: rarely(fc.integer({ min: 1, max: 9 })),
    language: rarely(fc.constant('ar')),
    slugline: rarely(fc.constantFrom('zaytoun', 'summit-amman')),
    embargoedUntil: fc.oneof({ arbitrary: validDate, weight: 3 }, { arbitrary: looseDate, weight: 1 }, { arbitrary: hostileValue, weight: 1 }),
    correction: rarely(fc.boolean()),
    images: rarely(fc.array(fc.record({ href: rarely(fc.constantFrom('https://example.org/a.jpg', 'http://example.org/b.png')), caption: rarely(arabicText) },
      { requiredKeys: ['href'] }), { maxLength: 2 }))
  }, { requiredKeys: [] }),
  unknownFields
).map(([fields, extra]) => ({ ...extra, ...fields }))

export const subscriberBody: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  fc.record({
    name: usually(fc.constantFrom('Wire Partner', 'شريك')),
    mode: usually(fc.constantFrom('push', 'pull')),
    // IP literals only: registration resolves host names, and tests send nothing beyond loopback.
    url: usually(fc.constantFrom('http://127.0.0.1:9/hook', 'http://[::1]:9/hook', 'http://10.0.0.1/x', 'file:///etc/passwd', 'https://user:pw@127.0.0.1/')),
    format: usually(fc.constantFrom('newsml-g2', 'ninjs', 'nitf', 'atom', 'newsml-g2-message', 'docx')),
    formatVersion: usually(fc.constantFrom('3.1', '2.2', '2.35', '1.0', '9')),
    languages: usually(fc.array(fc.constantFrom('en', 'fr', 'ar', 'EN', 'xx', 'pt-BR'), { minLength: 1, maxLength: 3 })),
    filters: usually(fc.record({ categories: usually(fc.array(fc.constantFrom('sport', 'politics'), { maxLength: 2 })), minUrgency: usually(fc.integer({ min: 1, max: 9 })) }, { requiredKeys: [] })),
    active: usually(fc.boolean())
  }, { requiredKeys: [] }),
  unknownFields
).map(([fields, extra]) => ({ ...extra, ...fields }))

export const keyBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.record({
    role: usually(fc.constantFrom('admin', 'editor', 'subscriber', 'root')),
    label: usually(fc.constantFrom('CMS', 'مفتاح')),
    subscriberId: usually(fc.uuid())
  }, { requiredKeys: [] }), unknownFields).map(([fields, extra]) => ({ ...extra, ...fields })),
  hostileValue
)

export const glossaryBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.record({
    term: usually(arabicText),
    sourceLanguage: usually(fc.constantFrom('ar', 'en', 'xx')),
    doNotTranslate: usually(fc.boolean()),
    translations: usually(fc.dictionary(fc.constantFrom('en', 'fr', 'xx', '__proto__'), usually(fc.constantFrom('Olive', 'Olivier', ' '))))
  }, { requiredKeys: [] }), unknownFields).map(([fields, extra]) => ({ ...extra, ...fields })),
  hostileValue
)

/** A path segment: a UUID, or text that is not one (encoded so it can travel in a URL). */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.constantFrom('..', '%2e%2e', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000', 'null', '%00', '%E0%A4%A', '٣'),
  hostileText(20).filter((s) => s.length > 0).map((s) => encodeURIComponent(s.toWellFormed()))
)

/** A query string value: numbers and their look-alikes, dates, text. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer({ min: -5, max: 600 }).map(String),
  looseDate,
  hostileText(10).map((s) => s.toWellFormed())
)
