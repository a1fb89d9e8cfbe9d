// Stories arrive from publishers' systems and translation engines we do not control. Whatever
// characters they contain, the rendered item must still be well-formed and schema-valid: XML 1.0
// forbidden characters dropped, markup escaped, and no tab/newline where the schema forbids it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import { conformanceValidator, validateContents } from '../helpers/conformance.ts'

// Every trap in one string: C0 controls, lone surrogates (both halves), U+FFFE/U+FFFF, a CDATA
// terminator, markup, pre-escaped entities, bidi overrides and isolates, and line breaks.
const NASTY = 'A\u0000B\u0007C\u001B \uD800lone\uDFFF ]]> <script>alert("x")</script> \uFFFE\uFFFF' +
  ' &quot;q&quot; &amp; \u202Eعكس\u202C \u2067عزل\u2069 \r\nnext\tline\u2028sep \uD83D\uDCF0'

const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

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
    urgency: 1,
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

function renderBoth (): Record<string, string> {
  return {
    'hostile.ar.xml': renderNewsmlG2({ version, translation: null, provider }).body,
    'hostile.en.xml': renderNewsmlG2({ version, translation, provider }).body,
  }
}

describe('NewsML-G2 with hostile input', () => {
  it('contains no character XML 1.0 forbids', () => {
    for (const [name, body] of Object.entries(renderBoth())) {
      assert.doesNotMatch(body, FORBIDDEN, name)
    }
  })

  it('escapes markup from the story instead of emitting it', () => {
    for (const [name, body] of Object.entries(renderBoth())) {
      assert.doesNotMatch(body, /<script|<!\[CDATA\[|<!--|<\?pi|<p onclick|\]\]>/, name)
      assert.match(body, /&lt;script&gt;alert\("x"\)&lt;\/script&gt;/, name)
      assert.match(body, /&amp;quot;q&amp;quot;/, name)
      assert.equal(body.match(/<newsItem /g)?.length, 1, name)
    }
  })

  it('keeps bidi controls and astral characters, which XML allows', () => {
    const body = renderBoth()['hostile.ar.xml'] ?? ''
    assert.ok(body.includes('\u202Eعكس\u202C'))
    assert.ok(body.includes('\u2067عزل\u2069'))
    assert.ok(body.includes('\uD83D\uDCF0'))
  })

  it('puts no tab or line break in one-line elements', () => {
    for (const [name, body] of Object.entries(renderBoth())) {
      for (const element of ['slugline', 'name', 'headline', 'by', 'dateline', 'title']) {
        for (const match of body.matchAll(new RegExp(`<${element}[ >][^<]*</${element}>`, 'g'))) {
          assert.doesNotMatch(match[0], /[\t\n\r]|&#x[9AD];/, `${name}: ${match[0]}`)
        }
      }
    }
  })

  it('yields documents that pass the IPTC conformance kit', async (t) => {
    if (conformanceValidator() === null) {
      t.skip('IPTC conformance kit not found at ../shared/conformance/validate')
      return
    }
    const result = await validateContents(renderBoth())
    assert.ok(result.ok, result.output)
    assert.match(result.output, /2 passed, 0 failed/)
  })
})
