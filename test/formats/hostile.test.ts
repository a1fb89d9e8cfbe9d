// Stories arrive from publishers' systems and translation engines we do not control. Whatever
// characters they contain, every format must stay well-formed and schema-valid: XML 1.0
// forbidden characters dropped, markup escaped once, no tab/newline where the schema forbids
// it, entity text shown as written (it was decoded once at ingest), no DOCTYPE ever emitted.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { formatNames, formatVersions, getFormat } from '../../src/formats/registry.ts'
import { checkWellFormedContents, conformanceValidator, validateContents, xmllintAvailable } from '../helpers/conformance.ts'
import { assertCleanDocument } from './document-checks.ts'

// Every trap in one string: C0 controls, lone surrogates (both halves), U+FFFE/U+FFFF, a CDATA
// terminator, markup, entity text, a DOCTYPE with an external entity, bidi overrides and
// isolates, and line breaks.
const NASTY = 'A\u0000B\u0007C\u001B \uD800lone\uDFFF ]]> <script>alert("x")</script> \uFFFE\uFFFF' +
  ' &quot;q&quot; &amp; \u202Eعكس\u202C \u2067عزل\u2069 \r\nnext\tline\u2028sep \uD83D\uDCF0' +
  ' <!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>&x;'

const version: StoredVersion = {
  id: 'ver_hostile',
  articleId: 'art_hostile',
  guid: `"><newsItem guid="x ${NASTY}`,
  version: 2,
  event: 'correction',
  contentHash: 'sha256:00',
  pubStatus: 'withheld',
  status: 'translated',
  statusReason: null,
  firstCreated: '2025-10-14T07:00:00Z',
  versionCreated: '2025-10-14T08:00:00Z',
  content: {
    language: 'ar',
    headline: `عنوان\n${NASTY}`,
    paragraphs: [NASTY, '\u0000\u0001\uFFFE', `فقرة ]]> <![CDATA[ x ]]> <!-- c --> <?pi ?> ${NASTY}`],
    byline: `بقلم:\n\tفلان ${NASTY}`,
    dateline: `القاهرة\r\n${NASTY}`,
    category: `politics\n\tlocal ${NASTY}`,
    slugline: `slug\tline ${NASTY}`,
    urgency: 1,
    embargoedUntil: '2025-10-14T09:00:00.000Z',
  },
}

const translation: StoredTranslation = {
  versionId: 'ver_hostile',
  lang: 'en-GB',
  headline: `Headline\r\n${NASTY}`,
  paragraphs: [NASTY, '<p onclick="x">not markup</p>'],
  byline: `By\nSomeone ${NASTY}`,
  dateline: `Cairo\t${NASTY}`,
  engine: `google-v3\n"${NASTY}"`,
  model: `projects/p/models/general/nmt\t${NASTY}`,
  charsSent: 1,
  requests: 1,
  createdAt: '2025-10-14T08:00:05Z',
}

const provider = { name: `Nashra\n"Wire" <desk> & ${NASTY}`, uri: 'https://nashra.example/' }

function renderAll (): Record<string, string> {
  const out: Record<string, string> = {}
  for (const format of formatNames()) {
    for (const formatVersion of formatVersions(format)) {
      const render = getFormat(format, formatVersion)!
      const ext = format === 'ninjs' ? 'json' : 'xml'
      out[`hostile.${format}-${formatVersion}.ar.${ext}`] = render({ version, translation: null, translations: [translation], provider }).body
      out[`hostile.${format}-${formatVersion}.en.${ext}`] = render({ version, translation, translations: [translation], provider }).body
    }
  }
  return out
}

describe('every format with hostile input', () => {
  const documents = renderAll()

  it('contains no forbidden character, no live markup from the story and no DOCTYPE', () => {
    for (const [name, body] of Object.entries(documents)) assertCleanDocument(name, body)
  })

  it('escapes story markup exactly once', () => {
    for (const [name, body] of Object.entries(documents)) {
      if (name.endsWith('.json')) {
        const doc = JSON.parse(body)
        const value = doc.bodies[0].value
        assert.match(value, /&lt;script&gt;alert\("x"\)&lt;\/script&gt;/, name)
        assert.match(value, /&amp;quot;q&amp;quot;/, name)
        assert.match(doc.headlines[0].value, /<script>alert\("x"\)<\/script> &quot;q&quot;/, name)
      } else {
        assert.match(body, /&lt;script&gt;alert\("x"\)&lt;\/script&gt;/, name)
        assert.match(body, /&amp;quot;q&amp;quot;/, name)
        assert.doesNotMatch(body, /&amp;amp;quot;/, name)
      }
    }
  })

  it('keeps bidi controls and astral characters, which XML allows', () => {
    for (const [name, body] of Object.entries(documents)) {
      const text = name.endsWith('.json') ? JSON.stringify(JSON.parse(body)) : body
      assert.ok(text.includes('\u202Eعكس\u202C'), name)
      assert.ok(text.includes('\u2067عزل\u2069'), name)
      assert.ok(text.includes('\uD83D\uDCF0'), name)
    }
  })

  it('yields documents that pass the IPTC conformance kit', async (t) => {
    if (conformanceValidator() === null) {
      t.skip('IPTC conformance kit not found at ../shared/conformance/validate')
      return
    }
    const iptc = Object.fromEntries(Object.entries(documents).filter(([name]) => !name.includes('.atom-')))
    const result = await validateContents(iptc)
    assert.ok(result.ok, result.output)
    assert.match(result.output, new RegExp(`\\b${Object.keys(iptc).length} passed, 0 failed`))
  })

  it('yields well-formed Atom', async (t) => {
    if (!(await xmllintAvailable())) {
      t.skip('xmllint is not installed')
      return
    }
    const atom = Object.entries(documents).filter(([name]) => name.includes('.atom-'))
    assert.equal(atom.length, 2)
    const result = await checkWellFormedContents(Object.fromEntries(atom))
    assert.ok(result.ok, result.output)
  })
})
