// What every wire format says about one story version in one language, worked out once so that
// NewsML-G2, ninjs, NITF and Atom agree on identifiers, dates, signals and text. The formats only
// decide where each field goes.
//
// Cleaning happens here for all formats alike: characters XML 1.0 forbids are dropped from every
// text (JSON could carry some of them, but then the same story would differ between formats), and
// one-line fields (headline, slugline, byline, dateline, names) are folded onto one line, because
// NewsML-G2 names and sluglines may not contain tabs or line breaks and a headline never should.
import type { VersionEvent } from '../../schemas/articles.ts'
import type { ArticleImage, PubStatus, StoredTranslation, StoredVersion } from '../articles/types.ts'
import { isLanguageTag, isPlainUri, languageDirection, originalItemGuid, translationItemGuid } from './identifiers.ts'
import { type MediaTopic, mediaTopicsFor } from './media-topics.ts'
import type { Provider } from './registry.ts'
import { collapseWhitespace, stripInvalidXmlChars } from './xml.ts'

export type Direction = 'rtl' | 'ltr'

/** A piece of human-readable text with the language it is written in. */
export interface Text {
  value: string
  lang: string
  dir: Direction
}

/** A picture that goes with the story, with its caption in the item's language when there is one. */
export interface StoryImage {
  href: string
  caption?: Text
}

/** Who turned the original into this language. */
export interface Translator {
  kind: 'machine'
  engine: string
  model: string
  sourceLang: string
  targetLang: string
  /** One English sentence naming the engine and model, for name/contributor fields. */
  description: string
}

export interface Story {
  /** This item's guid: the original's, or the translation's own. */
  guid: string
  /** The guid of the item in the original language (equal to guid for the original). */
  originalGuid: string
  version: number
  lang: string
  dir: Direction
  sourceLang: string
  isTranslation: boolean
  event: VersionEvent
  pubStatus: PubStatus
  firstCreated: string
  versionCreated: string
  contentCreated: string
  /** Set from version 2 on. */
  contentModified?: string
  embargoedUntil?: string
  /** 1 (most urgent) … 9; absent when not given or out of range. */
  urgency?: number
  headline: Text
  /** For a translation: the headline in the original language, shown beside the translated one. */
  originalHeadline?: Text
  slugline?: Text
  byline?: Text
  dateline?: Text
  /** The place in the dateline (its part before the first comma), when it names one. */
  located?: Text
  /** The editor's category, as one token. */
  category?: string
  subjects: readonly MediaTopic[]
  /** Body paragraphs, cleaned, none empty; they may hold inline markup (see xhtml.ts). */
  paragraphs: readonly string[]
  /** Pictures in order; any whose address is not a plain absolute URI is left out. */
  images: readonly StoryImage[]
  translator?: Translator
  /** An English note for the receiving desk on updates, corrections and kills. */
  notice?: string
  /**
   * A kill: the document says that the story is withdrawn and which one (identifiers, dates,
   * classification), never what it said. Headline, byline, dateline, body and pictures are gone;
   * formats put the notice where the body would be.
   */
  withdrawn?: true
  /**
   * The editor's own note on this version (what changed, why the story was killed), in the
   * item's language; the original's when the translation lacks it. Kept apart from `notice`, so
   * a kill document that carries no story text still carries it.
   */
  note?: Text
  provider: { name: string; uri?: string }
}

/** Builds the story view. Throws RangeError on a language tag no format could carry. */
export function storyOf (version: StoredVersion, translation: StoredTranslation | null, provider: Provider): Story {
  const content = version.content
  const sourceLang = assertLanguageTag(content.language, 'version.content.language')
  const original = (value: string | undefined): Text | undefined => line(value, sourceLang)
  const originalGuid = originalItemGuid(version.guid)
  const base = {
    originalGuid,
    version: version.version,
    sourceLang,
    event: version.event,
    pubStatus: version.pubStatus,
    firstCreated: version.firstCreated,
    contentCreated: version.firstCreated,
    embargoedUntil: embargo(content.embargoedUntil),
    urgency: urgency(content.urgency),
    slugline: original(content.slugline),
    category: content.category === undefined ? undefined : collapseWhitespace(content.category) || undefined,
    subjects: mediaTopicsFor(content.category),
    notice: notice(version.event, version.version),
    provider: { name: collapseWhitespace(provider.name), uri: provider.uri },
  }
  if (version.event === 'kill') return killed(base, version, translation)
  if (translation === null) {
    const byline = original(content.byline)
    const dateline = original(content.dateline)
    return withoutUndefined({
      ...base,
      note: original(content.note),
      guid: originalGuid,
      lang: sourceLang,
      dir: languageDirection(sourceLang),
      isTranslation: false,
      versionCreated: version.versionCreated,
      contentModified: version.version > 1 ? version.versionCreated : undefined,
      headline: line(content.headline, sourceLang) ?? text('', sourceLang),
      byline,
      dateline,
      located: locatedIn(dateline),
      paragraphs: paragraphs(content.paragraphs),
      images: images(content.images, (_, caption) => original(caption)),
    })
  }
  // Rendering the translation of another version would publish text under the wrong guid/version.
  if (translation.versionId !== version.id) {
    throw new Error(`Translation belongs to version ${translation.versionId}, not ${version.id}`)
  }
  const lang = assertLanguageTag(translation.lang, 'translation.lang')
  // A byline or dateline the engine did not translate is still worth showing, tagged as original.
  const byline = line(translation.byline, lang) ?? original(content.byline)
  const dateline = line(translation.dateline, lang) ?? original(content.dateline)
  return withoutUndefined({
    ...base,
    // A note the engine did not translate (a kill while it was down) still goes, tagged as original.
    note: line(translation.note, lang) ?? original(content.note),
    guid: translationItemGuid(version.guid, lang),
    lang,
    dir: languageDirection(lang),
    isTranslation: true,
    // The translated item's current version came into being when the translation was made.
    versionCreated: translation.createdAt,
    contentModified: version.version > 1 ? translation.createdAt : undefined,
    headline: line(translation.headline, lang) ?? text('', lang),
    originalHeadline: line(content.headline, sourceLang) ?? text('', sourceLang),
    byline,
    dateline,
    located: locatedIn(dateline),
    paragraphs: paragraphs(translation.paragraphs),
    // A caption the engine did not translate is still worth showing, tagged as original.
    images: images(content.images, (i, caption) => line(translation.captions?.[i] ?? undefined, lang) ?? original(caption)),
    translator: translatorOf(translation, sourceLang, lang),
  })
}

function translatorOf (translation: StoredTranslation, sourceLang: string, lang: string): Translator {
  const engine = collapseWhitespace(translation.engine)
  const model = collapseWhitespace(translation.model)
  return {
    kind: 'machine',
    engine,
    model,
    sourceLang,
    targetLang: lang,
    description: `Machine translation from ${sourceLang} to ${lang} (engine: ${engine}; model: ${model})`,
  }
}

/**
 * A kill withdraws words (a defamation, a wrong name) that must not go out again, so it carries,
 * as AP and Reuters kills do, the notice, the identifiers and metadata without a headline: no
 * story text in any language. Its headline is the withdrawal itself, in English like the notice.
 */
function killed (base: Omit<Story, 'guid' | 'lang' | 'dir' | 'isTranslation' | 'versionCreated' | 'headline' | 'paragraphs' |
  'images'>, version: StoredVersion, translation: StoredTranslation | null): Story {
  const lang = translation === null ? base.sourceLang : assertLanguageTag(translation.lang, 'translation.lang')
  return withoutUndefined({
    ...base,
    guid: translation === null ? base.originalGuid : translationItemGuid(version.guid, lang),
    lang,
    dir: languageDirection(lang),
    isTranslation: translation !== null,
    // The kill is this version's only content: it came into being when the kill was made.
    versionCreated: version.versionCreated,
    contentModified: version.versionCreated,
    headline: text('Kill: story withdrawn', 'en'),
    paragraphs: [],
    images: [],
    translator: translation === null ? undefined : translatorOf(translation, base.sourceLang, lang),
    withdrawn: true,
    // The editor's reason for the kill: not story text, so it goes, translated when it could be.
    note: (translation === null ? undefined : line(translation.note, lang)) ?? line(version.content.note, base.sourceLang),
  })
}

/** Throws RangeError when a format is asked for a version it does not have. */
export function assertFormatVersion (format: string, requested: string | undefined, versions: readonly string[]): void {
  if (requested !== undefined && !versions.includes(requested)) {
    throw new RangeError(`${format} has no version ${JSON.stringify(requested)}; versions: ${versions.join(', ')}`)
  }
}

/** `xml:lang` value for a text inside an item in `itemLang`: only when they differ. */
export function langIfDifferent (value: Text, itemLang: string): string | undefined {
  return value.lang.toLowerCase() === itemLang.toLowerCase() ? undefined : value.lang
}

function text (value: string, lang: string): Text {
  return { value, lang, dir: languageDirection(lang) }
}

/** One-line text, or undefined when nothing printable is left. */
function line (value: string | undefined, lang: string): Text | undefined {
  if (value === undefined) return undefined
  const folded = collapseWhitespace(value)
  return folded === '' ? undefined : text(folded, lang)
}

function paragraphs (values: readonly string[]): string[] {
  const out: string[] = []
  for (const value of values) {
    const cleaned = stripInvalidXmlChars(value).trim()
    if (cleaned !== '') out.push(cleaned)
  }
  return out
}

function images (values: readonly ArticleImage[] | undefined, caption: (index: number, original: string | undefined) => Text | undefined): StoryImage[] {
  const out: StoryImage[] = []
  for (const [index, image] of (values ?? []).entries()) {
    const href = image.href.trim()
    if (!isPlainUri(href)) continue
    const text = caption(index, image.caption)
    out.push(text === undefined ? { href } : { href, caption: text })
  }
  return out
}

// "جرش، ١٤ تشرين الأول" → "جرش"; "Cairo, Oct 14" → "Cairo"; "14 October" names no place.
function locatedIn (dateline: Text | undefined): Text | undefined {
  if (dateline === undefined) return undefined
  const place = dateline.value.split(/[,،;:–—]| - /u)[0]?.trim() ?? ''
  if (place === '' || /\p{Nd}/u.test(place)) return undefined
  return { ...dateline, value: place }
}

function urgency (value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 9 ? value : undefined
}

// Stored embargoes are normalised at ingest; an unparsable one is left out rather than emitted
// into a date-time field where it would make the whole document invalid.
function embargo (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

function notice (event: VersionEvent, version: number): string | undefined {
  switch (event) {
    case 'update': return `Update: version ${version} replaces earlier versions of this story.`
    case 'correction': return `Correction: version ${version} corrects an error in an earlier version of this story.`
    case 'kill': return 'Kill: this story has been withdrawn. Do not publish it, and remove any version already published.'
    default: return undefined
  }
}

function assertLanguageTag (tag: string, field: string): string {
  if (!isLanguageTag(tag)) throw new RangeError(`${field} is not a BCP 47 language tag: ${JSON.stringify(tag)}`)
  return tag
}

// Optional fields are absent rather than present-and-undefined, so the view compares cleanly.
function withoutUndefined<T extends object> (value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key]
  }
  return value
}
