// Wire formats by the name subscribers choose (`subscribers.format`), each with the versions of
// its standard Nashra can emit (`subscribers.formatVersion`; the first is the default). The
// delivery worker, the feed and the renditions route look a format up here and call it, so adding
// a format means writing the formatter and adding one line below; nothing that calls formatters
// changes.
//
// The formatter contract lives here too (not in each format) so every format is checked against
// the same signature at the point where it is registered.
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import { ATOM_VERSIONS, renderAtomEntry } from './atom.ts'
import { NEWSML_G2_VERSIONS, renderNewsmlG2 } from './newsml-g2.ts'
import { renderNewsmlG2Message } from './newsml-g2-message.ts'
import { NINJS_VERSIONS, renderNinjs } from './ninjs.ts'
import { NITF_VERSIONS, renderNitf } from './nitf.ts'

export interface Provider {
  /** Shown to partners as the item's provider. */
  name: string
  /** An IRI identifying the provider, when there is one. */
  uri?: string | undefined
}

export interface FormatInput {
  version: StoredVersion
  /** The translation to render, or null to render the original. */
  translation: StoredTranslation | null
  provider: Provider
  /**
   * Every translation of the version. Only formats that carry several languages in one document
   * (newsml-g2-message) read it; the others render `translation` alone.
   */
  translations?: readonly StoredTranslation[] | undefined
  /** One of the format's versions (see `formatVersions`); the format's default when absent. */
  formatVersion?: string | undefined
}

export interface RenderedDocument {
  /** Media type to send the body with (the body is UTF-8). */
  contentType: string
  body: string
}

/**
 * Pure: the same input always yields the same body. A delivery's bytes are fixed when it is
 * created and every retry sends them again under the same webhook-id.
 */
export type Formatter = (input: FormatInput) => RenderedDocument

interface FormatEntry {
  render: Formatter
  /** Versions of the standard, the default first. */
  versions: readonly [string, ...string[]]
  /**
   * One document carries the original and every wanted translation (render with translation
   * null and the wanted `translations`): a subscriber gets one message per version, not one per
   * language.
   */
  allLanguagesInOne?: true
}

// Frozen, and read only through Object.hasOwn below, so a subscriber's format string such as
// "constructor" or "__proto__" can never reach Object.prototype.
const registry = Object.freeze({
  atom: { render: renderAtomEntry, versions: ATOM_VERSIONS },
  'newsml-g2': { render: renderNewsmlG2, versions: NEWSML_G2_VERSIONS },
  'newsml-g2-message': { render: renderNewsmlG2Message, versions: NEWSML_G2_VERSIONS, allLanguagesInOne: true },
  ninjs: { render: renderNinjs, versions: NINJS_VERSIONS },
  nitf: { render: renderNitf, versions: NITF_VERSIONS },
} satisfies Record<string, FormatEntry>)

export type FormatName = keyof typeof registry

/** A version of some format's standard, e.g. '3.1' (ninjs) or '2.35' (NewsML-G2). */
export type FormatVersion = (typeof registry)[FormatName]['versions'][number]

/** Every format version any format has, sorted and each once, e.g. for the subscriber schema. */
export const ALL_FORMAT_VERSIONS: readonly FormatVersion[] = [...new Set(Object.values(registry).flatMap((entry) => entry.versions))].sort()

/**
 * The formatter registered under `name`, or undefined for an unknown name or a version the format
 * does not have. With a version, the returned formatter renders that version of the standard.
 */
export function getFormat (name: string, formatVersion?: string | null): Formatter | undefined {
  if (!isFormatName(name)) return undefined
  const entry: FormatEntry = registry[name]
  if (formatVersion === undefined || formatVersion === null) return entry.render
  if (!entry.versions.includes(formatVersion)) return undefined
  return (input) => entry.render({ ...input, formatVersion })
}

/** Whether the format puts every language of a version into one document (see FormatEntry). */
export function carriesAllLanguages (name: string): boolean {
  return isFormatName(name) && (registry[name] as FormatEntry).allLanguagesInOne === true
}

export function isFormatName (name: string): name is FormatName {
  return Object.hasOwn(registry, name)
}

/** Registered format names, sorted, e.g. for validating subscriber settings and error messages. */
export function formatNames (): FormatName[] {
  return (Object.keys(registry) as FormatName[]).sort()
}

/** The versions a format can be rendered in, the default first; empty for an unknown format. */
export function formatVersions (name: string): readonly string[] {
  return isFormatName(name) ? registry[name].versions : []
}

/** Whether `formatVersion` (absent means the default) is one the format has. */
export function isFormatVersion (name: string, formatVersion: string | undefined | null): boolean {
  return getFormat(name, formatVersion) !== undefined
}
