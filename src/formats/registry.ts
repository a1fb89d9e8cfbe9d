// Wire formats by the name subscribers choose (`subscribers.format`). The delivery worker and the
// feed look a format up here and call it, so adding ninjs, NITF or Atom means writing the
// formatter and adding one line below; nothing that calls formatters changes.
//
// The formatter contract lives here too (not in each format) so every format is checked against
// the same signature at the point where it is registered.
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import { renderNewsmlG2 } from './newsml-g2.ts'

export interface Provider {
  /** Shown to partners as the item's provider. */
  name: string
  /** An IRI identifying the provider, when there is one. */
  uri?: string
}

export interface FormatInput {
  version: StoredVersion
  /** The translation to render, or null to render the original. */
  translation: StoredTranslation | null
  provider: Provider
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

// Frozen, and read only through Object.hasOwn below, so a subscriber's format string such as
// "constructor" or "__proto__" can never reach Object.prototype.
export const formats = Object.freeze({
  'newsml-g2': renderNewsmlG2,
} satisfies Record<string, Formatter>)

export type FormatName = keyof typeof formats

/** The formatter registered under `name`, or undefined for an unknown name. */
export function getFormat (name: string): Formatter | undefined {
  return isFormatName(name) ? formats[name] : undefined
}

export function isFormatName (name: string): name is FormatName {
  return Object.hasOwn(formats, name)
}

/** Registered format names, sorted, e.g. for validating subscriber settings and error messages. */
export function formatNames (): FormatName[] {
  return (Object.keys(formats) as FormatName[]).sort()
}
