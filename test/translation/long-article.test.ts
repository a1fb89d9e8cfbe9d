// A 100,000-codepoint story goes to Google as valid requests (the emulator answers 400 past 1024
// entries or 30,000 codepoints, like Google) and comes back whole and in order, including a single
// paragraph longer than a whole request, cut at sentence ends and joined again.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { codepointLength } from '../../src/translation/batching.ts'
import { pseudoMarker, pseudoTranslate, transliterate } from '../../src/translation/pseudo.ts'
import { arabicParagraph, type Harness, startHarness } from './harness.ts'

describe('a story longer than one request', () => {
  let h: Harness
  before(async () => { h = await startHarness() })
  after(() => h.close())

  it('goes out as valid requests and comes back whole and in order', async () => {
    // 40 paragraphs of ~1,900 codepoints, and one of ~36,000 in the middle.
    const paragraphs = Array.from({ length: 40 }, (_, i) => arabicParagraph(i + 1, 24))
    const huge = arabicParagraph(999, 450)
    paragraphs.splice(20, 0, huge)
    const total = paragraphs.reduce((n, p) => n + codepointLength(p), 0)
    assert.ok(total >= 100_000, `${total} codepoints`)
    assert.ok(codepointLength(huge) > 30_000)

    const version = await h.publish('urn:t:long', { headline: 'تقرير مطول عن الموسم الزراعي', body: paragraphs.join('\n') })
    const en = await h.translate(version, 'en')

    const requests = h.sent()
    assert.ok(requests.length >= 4 && requests.length <= 6, `${requests.length} requests`)
    for (const r of requests) {
      assert.ok(r.contents.length <= 1024)
      assert.ok(r.contents.reduce((n, c) => n + codepointLength(c), 0) <= 30_000)
    }
    // Every piece of the long paragraph is whole sentences.
    const pieces = requests.flatMap((r) => r.contents).filter((c) => !paragraphs.includes(c) && c !== 'تقرير مطول عن الموسم الزراعي')
    assert.ok(pieces.length >= 2)
    for (const piece of pieces) assert.match(piece, /\.$/u)
    assert.equal(pieces.join(' '), huge)

    assert.equal(en.paragraphs.length, paragraphs.length)
    paragraphs.forEach((p, i) => {
      if (i === 20) return
      assert.equal(en.paragraphs[i], pseudoTranslate(p, 'text/plain', 'en'), `paragraph ${i}`)
    })
    // The long one: each piece was translated on its own (one marker each), joined in order.
    const joined = en.paragraphs[20]!
    assert.ok(joined.startsWith(pseudoMarker('en')))
    assert.equal(joined.replaceAll(pseudoMarker('en'), ''), transliterate(huge))
    assert.equal(en.charsSent, total + codepointLength('تقرير مطول عن الموسم الزراعي') - (pieces.length - 1))
  })

  it('takes the whole story from memory the second time', async () => {
    const version = await h.publish('urn:t:long-copy', {
      headline: 'تقرير مطول عن الموسم الزراعي',
      body: Array.from({ length: 40 }, (_, i) => arabicParagraph(i + 1, 24)).join('\n'),
    })
    const en = await h.translate(version, 'en')
    assert.deepEqual(h.sent(), [])
    assert.equal(en.segmentsReused, 41)
  })
})
