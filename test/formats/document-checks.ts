// In-process checks every rendered document must pass, whatever the story contained. They need
// no external tool, so property tests can run them over hundreds of random stories; the IPTC kit
// and xmllint then confirm validity on a smaller sample.
import assert from 'node:assert/strict'

// Outside XML 1.0's Char production: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

// Elements whose content is one line (G2 names/sluglines are g2normalizedString; headlines and
// bylines are one line by Nashra's choice), matched when they hold text only.
const ONE_LINE_ELEMENTS = ['slugline', 'name', 'headline', 'by', 'dateline', 'title', 'hl1', 'byline', 'keyword', 'sender', 'transmitId', 'distributor']

// Markup a story could smuggle in if anything were not escaped, and DTD machinery that would make
// a parser resolve entities. A literal `<` only ever starts a real tag (text escapes it) and a
// literal `"` inside a tag only ever delimits an attribute (values escape it), so these patterns
// cannot match story text that was escaped.
const LIVE_MARKUP = /<!DOCTYPE|<!ENTITY|<!\[CDATA\[|<!--|<\?pi|<script|<p onclick|<newsItem guid="x|<[A-Za-z][^<>]*\shref="javascript:|<B>|<[A-Za-z][^<>]*\sonclick="/

/** Asserts the document is clean: see the checks above. `name` ends in .json for ninjs. */
export function assertCleanDocument (name: string, body: string): void {
  if (name.endsWith('.json')) {
    assertCleanJson(name, body)
    return
  }
  assert.doesNotMatch(body, FORBIDDEN, `${name}: forbidden character`)
  assert.doesNotMatch(body, LIVE_MARKUP, `${name}: live markup`)
  assert.equal(body.match(/<\?xml /g)?.length, 1, `${name}: one XML declaration`)
  for (const element of ONE_LINE_ELEMENTS) {
    for (const match of body.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))) {
      assert.doesNotMatch(match[1] ?? '', /[\t\n\r]|&#x[9AD];/, `${name}: line break in ${match[0]}`)
    }
  }
  // Attribute values may carry escaped line breaks (references survive parsing), never raw ones;
  // `<` and `>` are always escaped, so a tag is everything between them.
  for (const match of body.matchAll(/<[A-Za-z][^<>]*>/g)) {
    assert.doesNotMatch(match[0], /[\t\n\r]/, `${name}: raw line break in tag ${match[0]}`)
  }
}

function assertCleanJson (name: string, body: string): void {
  const doc: unknown = JSON.parse(body)
  assert.ok(doc !== null && typeof doc === 'object' && !Array.isArray(doc), `${name}: an object`)
  assert.ok(!('$schema' in doc), `${name}: no $schema`)
  walk(doc, (value, key) => {
    assert.doesNotMatch(value, FORBIDDEN, `${name}: forbidden character in ${key}`)
    if (['slugline', 'by', 'located', 'name', 'literal'].includes(key) || key === 'headlines') {
      assert.doesNotMatch(value, /[\t\n\r]/, `${name}: line break in ${key}`)
    }
    if (key === 'value' && value.startsWith('<div')) assert.doesNotMatch(value, LIVE_MARKUP, `${name}: live markup in body`)
  })
}

function walk (value: unknown, visit: (text: string, key: string) => void, key = ''): void {
  if (typeof value === 'string') visit(value, key)
  else if (Array.isArray(value)) for (const item of value) walk(item, visit, key)
  else if (value !== null && typeof value === 'object') {
    for (const [inner, child] of Object.entries(value)) walk(child, visit, key === 'headlines' ? key : inner)
  }
}
