// The translation memory, proven by the emulator's request log: what each new version, story or
// language sends to Google, and what it takes from memory instead.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { codepointLength } from '../../src/translation/batching.ts'
import { pseudoTranslate } from '../../src/translation/pseudo.ts'
import { arabicParagraph, type Harness, startHarness } from './harness.ts'

const story = {
  headline: 'الحكومة تعلن خطة جديدة لدعم المزارعين',
  body: [arabicParagraph(1, 3), arabicParagraph(2, 2), arabicParagraph(3, 4)].join('\n'),
  byline: 'مراسل نشرة',
  dateline: 'عمّان',
  images: [{ href: 'https://images.example/harvest.jpg', caption: 'مزارعون في حقل قمح' }, { href: 'https://images.example/map.png' }] as
    Array<{ href: string; caption?: string }>,
}
const CAPTION = 'مزارعون في حقل قمح'
const sourceCodepoints = [story.headline, ...story.body.split('\n'), story.byline, story.dateline, CAPTION]
  .reduce((n, s) => n + codepointLength(s), 0)

describe('translation memory', () => {
  let h: Harness
  before(async () => { h = await startHarness() })
  after(() => h.close())

  it('first publish: every segment once, one plain-text request per language, stats recorded', async () => {
    const v1 = await h.publish('urn:t:memory', story)
    const en = await h.translate(v1, 'en')
    const [request, ...rest] = h.sent()
    assert.equal(rest.length, 0)
    assert.equal(request?.mimeType, 'text/plain')
    assert.deepEqual(request?.contents, [story.headline, ...story.body.split('\n'), story.byline, story.dateline, CAPTION])
    assert.deepEqual([en.charsSent, en.requests, en.segments, en.segmentsReused], [sourceCodepoints, 1, 7, 0])
    assert.equal(en.paragraphs[1], pseudoTranslate(arabicParagraph(2, 2), 'text/plain', 'en'))
    assert.deepEqual(en.captions, [pseudoTranslate('مزارعون في حقل قمح', 'text/plain', 'en'), null])
    assert.equal(en.byline, pseudoTranslate('مراسل نشرة', 'text/plain', 'en'))
  })

  it('a new version with the same text sends nothing and rebuilds the translation from memory', async () => {
    const v2 = await h.publish('urn:t:memory', { ...story, category: 'economy' })
    const en = await h.translate(v2, 'en')
    assert.deepEqual(h.sent(), [])
    assert.deepEqual([en.charsSent, en.requests, en.segments, en.segmentsReused], [0, 0, 7, 7])
    assert.equal(en.headline, pseudoTranslate(story.headline, 'text/plain', 'en'))
  })

  it('a version with one changed paragraph sends that paragraph only', async () => {
    const changed = `${arabicParagraph(2, 2)} وأكد الوزير ذلك.`
    const v3 = await h.publish('urn:t:memory', { ...story, body: [arabicParagraph(1, 3), changed, arabicParagraph(3, 4)].join('\n') })
    const en = await h.translate(v3, 'en')
    assert.deepEqual(h.sent().map((r) => r.contents), [[changed]])
    assert.deepEqual([en.charsSent, en.requests, en.segmentsReused], [codepointLength(changed), 1, 6])
    assert.equal(en.paragraphs[1], pseudoTranslate(changed, 'text/plain', 'en'))
  })

  it('a paragraph shared by two stories, or repeated in one, is translated once', async () => {
    const other = await h.publish('urn:t:other', { headline: 'عنوان آخر تماما', body: [arabicParagraph(3, 4), 'فقرة جديدة.', 'فقرة جديدة.'].join('\n') })
    const en = await h.translate(other, 'en')
    assert.deepEqual(h.sent().map((r) => r.contents), [['عنوان آخر تماما', 'فقرة جديدة.']])
    assert.deepEqual([en.segments, en.segmentsReused], [4, 2])
    assert.equal(en.paragraphs[2], en.paragraphs[1])
  })

  it('a copy differing only in tatweel, presentation forms and direction marks is a hit', async () => {
    // ﺍﻟﺤﻜﻮﻣﺔ: the same word in presentation forms; ﻻ: the lam-alef ligature.
    const body = [arabicParagraph(1, 3), arabicParagraph(2, 2), arabicParagraph(3, 4)].join('\n')
    const variant = await h.publish('urn:t:variant', {
      headline: '\u200Fالحكومـــة تعلن خطة جديدة لدعم المزارعين',
      body: body.replaceAll('الحكومة', '\uFE8D\uFEDF\uFEA4\uFEDC\uFEEE\uFEE3\uFE94'),
    })
    assert.notEqual(variant.content.paragraphs.join('\n'), body)
    await h.translate(variant, 'en')
    assert.deepEqual(h.sent(), [])
  })

  it('a miss sends the original text, not the normalised key', async () => {
    const odd = await h.publish('urn:t:odd', { headline: 'خبـــر عاجـل', body: 'نص \u200Fقصير.' })
    await h.translate(odd, 'en')
    assert.deepEqual(h.sent()[0]?.contents, ['خبـــر عاجـل', 'نص \u200Fقصير.'])
  })

  it('each language is its own request and its own memory; en-GB reuses en', async () => {
    const v = await h.publish('urn:t:langs', { headline: 'قمة اقتصادية في الرياض', body: 'بدأت القمة اليوم.' })
    const fr = await h.translate(v, 'fr')
    const en = await h.translate(v, 'en')
    const gb = await h.translate(v, 'en-GB')
    assert.deepEqual(h.sent().map((r) => r.targetLanguageCode), ['fr', 'en'])
    assert.equal(fr.headline, pseudoTranslate('قمة اقتصادية في الرياض', 'text/plain', 'fr'))
    assert.deepEqual([gb.lang, gb.headline, gb.charsSent, gb.segmentsReused], ['en-GB', en.headline, 0, 2])
  })

  it('different engines or models never share memory', async () => {
    const v = await h.publish('urn:t:model', { headline: 'قمة اقتصادية في الرياض', body: 'بدأت القمة اليوم.' })
    const { createGoogleV3Provider } = await import('../../src/translation/google-v3.ts')
    const llm = createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: h.emulator.url, model: 'general/translation-llm' })
    try {
      const en = await h.translate(v, 'en', llm)
      assert.equal(h.sent().length, 1)
      assert.match(en.model, /general\/translation-llm$/)
    } finally {
      await llm.close()
    }
  })
})
