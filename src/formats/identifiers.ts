// Identifiers Nashra puts on the items it emits. They are pure functions of stored data, so a
// story renders with the same guid on every version, on every machine and in every retry, and
// partners can use them to replace an earlier version of the same item.
//
// Rules:
// - original item: the publisher's guid when it is already a plain URI (a scheme such as `urn:` or
//   `https:`, printable ASCII, no spaces); otherwise `urn:nashra:story:` + encodeURIComponent(guid).
//   Publisher guids inside Nashra's own `urn:nashra:` namespace are wrapped as well, so no
//   publisher can produce an id that collides with one Nashra mints.
// - translation item: `urn:nashra:translation:<lang>:` + encodeURIComponent(publisher guid), with
//   the language tag lower-cased (BCP 47 tags are case-insensitive). Appending ":en" to the
//   original's guid would be shorter, but `urn:pub:1` + ":en" could then equal another story's
//   guid `urn:pub:1:en`; in the reserved namespace with an encoded tail every id decodes one way.

const NASHRA_PREFIX = /^urn:nashra:/i

// A conservative subset of RFC 3986 absolute URIs: a scheme, then either `//host[:port]` and a
// path, or a rootless/absolute path (urn:, tag:), then optional query and fragment; `%` only in
// valid escapes, no userinfo, no IP literals. ninjs checks `uri` with format "uri" and Atom needs
// an IRI, so a guid is passed through only when every validator will accept it as it is.
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
const PLAIN_URI = new RegExp('^[A-Za-z][A-Za-z0-9+.-]*:' +
  `(?://(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+(?::[0-9]+)?(?:/${PCHAR}*)*` +
  `|/?${PCHAR}+(?:/${PCHAR}*)*)` +
  `(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`)

// xs:language, which NewsML-G2 uses for `xml:lang` and `language/@tag`.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/

/** Scheme URIs Nashra declares in the `catalog` of the items that use them (QCode prefix → URI). */
export const NASHRA_SCHEMES = {
  /** Item relations IPTC has no term for: `nrel:translationOf`. */
  nrel: 'urn:nashra:cv:relation:',
  /** Roles of contributors: `nrol:machineTranslation`. */
  nrol: 'urn:nashra:cv:role:',
} as const

/** Whether `value` is an absolute URI every format's validator accepts as it is (see PLAIN_URI). */
export function isPlainUri (value: string): boolean {
  return PLAIN_URI.test(value)
}

/** Guid of the item that carries the story in its original language. */
export function originalItemGuid (publisherGuid: string): string {
  if (PLAIN_URI.test(publisherGuid) && !NASHRA_PREFIX.test(publisherGuid)) return publisherGuid
  return 'urn:nashra:story:' + encode(publisherGuid)
}

/** Guid of the item that carries the story translated into `lang`. */
export function translationItemGuid (publisherGuid: string, lang: string): string {
  return `urn:nashra:translation:${encode(lang.toLowerCase())}:${encode(publisherGuid)}`
}

/** Whether `tag` is a syntactically valid language tag for `xml:lang` (xs:language). */
export function isLanguageTag (tag: string): boolean {
  return LANGUAGE_TAG.test(tag)
}

// Primary subtags and scripts written right to left; enough to pick `dir` for the languages
// Nashra translates between. An explicit script subtag wins over the language default.
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi'])
const RTL_SCRIPTS = new Set(['adlm', 'arab', 'hebr', 'nkoo', 'rohg', 'syrc', 'thaa'])
const LTR_SCRIPTS = new Set(['latn', 'cyrl'])

/** Text direction for a language tag. */
export function languageDirection (tag: string): 'rtl' | 'ltr' {
  const [primary = '', ...rest] = tag.toLowerCase().split('-')
  const script = rest.find((subtag) => subtag.length === 4 && /^[a-z]{4}$/.test(subtag))
  if (script !== undefined && RTL_SCRIPTS.has(script)) return 'rtl'
  if (script !== undefined && LTR_SCRIPTS.has(script)) return 'ltr'
  return RTL_LANGUAGES.has(primary) ? 'rtl' : 'ltr'
}

// encodeURIComponent throws on a lone surrogate; such a guid still gets an id (with U+FFFD in
// its place) rather than failing the whole rendering.
function encode (value: string): string {
  return encodeURIComponent(value.toWellFormed())
}
