// IPTC ninjs (News in JSON) 3.1, and 2.2 for older consumers, for one story version in one
// language. The version is declared through `standard` (a `$schema` key is not allowed by
// either schema); only `uri` is required and neither version allows properties it does not
// define, so every field below is one the schema names.
//
// ninjs has no signal property in any version: updates, corrections and kills are told through
// `version`, `pubStatus` (canceled for a kill) and an English `edNote`. It has no dateline
// either: `located` carries the place the dateline names. Pictures are associations of type
// "picture" (and figures in the XHTML body).
import { NASHRA_SCHEMES } from './identifiers.ts'
import { mediaTopicUri } from './media-topics.ts'
import type { FormatInput, RenderedDocument } from './registry.ts'
import { assertFormatVersion, type Story, storyOf } from './story.ts'
import { bodyCounts, xhtmlDiv } from './xhtml.ts'
import { serialize } from './xml.ts'

/** No media type is registered for ninjs; IPTC's own examples are served as JSON. */
export const NINJS_CONTENT_TYPE = 'application/json'
/** Newest first: the first is the default. */
export const NINJS_VERSIONS = ['3.1', '2.2'] as const
export type NinjsVersion = (typeof NINJS_VERSIONS)[number]

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export function renderNinjs (input: FormatInput): RenderedDocument {
  assertFormatVersion('ninjs', input.formatVersion, NINJS_VERSIONS)
  const version: NinjsVersion = input.formatVersion === '2.2' ? '2.2' : '3.1'
  const story = storyOf(input.version, input.translation, input.provider)
  const doc = ninjs31(story)
  return { contentType: NINJS_CONTENT_TYPE, body: `${JSON.stringify(version === '3.1' ? doc : toNinjs22(doc), null, 2)}\n` }
}

function standard (version: NinjsVersion): JsonObject {
  return { name: 'ninjs', version, schema: `http://www.iptc.org/std/ninjs/ninjs-schema_${version}.json` }
}

/** The document in ninjs 3.1 property names (camelCase). */
function ninjs31 (story: Story): JsonObject {
  const doc: JsonObject = {
    standard: standard('3.1'),
    uri: story.guid,
    type: 'text',
    representationType: 'full',
    version: String(story.version),
    firstCreated: story.firstCreated,
    versionCreated: story.versionCreated,
    contentCreated: story.contentCreated,
  }
  if (story.embargoedUntil !== undefined) doc['embargoedUntil'] = story.embargoedUntil
  doc['pubStatus'] = story.pubStatus
  if (story.urgency !== undefined) doc['urgency'] = story.urgency
  // One edNote property: Nashra's notice first, then the editor's note on its own line.
  const edNote = [story.notice, story.note?.value].filter((n) => n !== undefined).join('\n')
  if (edNote !== '') doc['edNote'] = edNote
  doc['language'] = story.lang
  const headlines: JsonObject[] = [{ role: 'main', value: story.headline.value }]
  // The Arabic headline beside the translated one; its language is the association's.
  if (story.originalHeadline !== undefined) headlines.push({ role: 'original', value: story.originalHeadline.value })
  doc['headlines'] = headlines
  if (story.slugline !== undefined) doc['slugline'] = story.slugline.value
  if (story.byline !== undefined) doc['by'] = story.byline.value
  if (story.located !== undefined) doc['located'] = story.located.value
  const subjects: JsonObject[] = story.subjects.map((topic) => ({ name: topic.name, uri: mediaTopicUri(topic) }))
  // A category the Media Topics table does not know is still the editor's classification.
  if (subjects.length === 0 && story.category !== undefined) subjects.push({ name: story.category, literal: story.category })
  if (subjects.length > 0) doc['subjects'] = subjects
  const counts = bodyCounts(story.withdrawn === true && story.notice !== undefined ? [story.notice] : story.paragraphs)
  doc['bodies'] = [{
    role: 'main',
    contentType: 'application/xhtml+xml',
    charCount: counts.chars,
    wordCount: counts.words,
    value: serialize(xhtmlDiv(story)),
  }]
  const associations: JsonObject[] = []
  if (story.translator !== undefined) {
    doc['infoSources'] = [{
      name: story.translator.description,
      role: `${NASHRA_SCHEMES.nrol}machineTranslation`,
      literal: `${story.translator.engine} ${story.translator.model}`,
    }]
    const original: JsonObject = {
      name: 'original',
      rel: `${NASHRA_SCHEMES.nrel}translationOf`,
      uri: story.originalGuid,
      type: 'text',
      version: String(story.version),
      language: story.sourceLang,
    }
    // A kill names its original without its headline.
    if (story.originalHeadline !== undefined) original['headlines'] = [{ role: 'main', value: story.originalHeadline.value }]
    associations.push(original)
  }
  // Pictures, in order, as associated picture objects: the caption in the item's language.
  for (const [index, image] of story.images.entries()) {
    const picture: JsonObject = { name: `picture${index + 1}`, uri: image.href, type: 'picture' }
    if (image.caption !== undefined) {
      picture['language'] = image.caption.lang
      picture['descriptions'] = [{ role: 'caption', value: image.caption.value }]
    }
    picture['renditions'] = [{ name: 'original', href: image.href }]
    associations.push(picture)
  }
  if (associations.length > 0) doc['associations'] = associations
  return doc
}

// ninjs 2.2 spells every property in lower case, calls the embargo `embargoed`, and has no
// `rel` on associations (the association's name, "original", says what it is).
const RENAMED_IN_22: Readonly<Record<string, string>> = { embargoedUntil: 'embargoed' }

function toNinjs22 (doc: JsonObject): JsonObject {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'standard') out[key] = standard('2.2')
    else out[RENAMED_IN_22[key] ?? key.toLowerCase()] = key === 'associations' ? associations22(value) : lowerKeys(value)
  }
  return out
}

function associations22 (value: Json): Json {
  if (!Array.isArray(value)) return value
  return value.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item
    const { rel: _rel, ...rest } = item
    return lowerKeys(rest)
  })
}

function lowerKeys (value: Json): Json {
  if (Array.isArray(value)) return value.map(lowerKeys)
  if (value === null || typeof value !== 'object') return value
  const out: JsonObject = {}
  for (const [key, inner] of Object.entries(value)) out[key.toLowerCase()] = lowerKeys(inner)
  return out
}
