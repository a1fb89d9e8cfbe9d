import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { contentHash, decodeEntities, normalizeArticle } from '../../src/articles/normalize.ts'
import { targetLanguages } from '../../src/translation/translate-version.ts'

describe('normalizeArticle', () => {
  it('splits the body into trimmed, non-empty paragraphs', () => {
    const content = normalizeArticle({ headline: '  عنوان ', body: 'أولى\r\n\n  ثانية  \r\u2029ثالثة\n' })
    assert.deepEqual(content, { headline: 'عنوان', paragraphs: ['أولى', 'ثانية', 'ثالثة'], language: 'ar' })
  })

  it('decodes entity text once', () => {
    assert.equal(decodeEntities('قال &quot;نعم&quot; &amp;amp; &#39;لا&#39; &#x627; &bogus;'), 'قال "نعم" &amp; \'لا\' ا &bogus;')
  })

  it('hashes content, not formatting', () => {
    const a = normalizeArticle({ headline: 'ع', body: 'ف\nق', urgency: 3 })
    const b = normalizeArticle({ headline: ' ع ', body: 'ف\n\n ق ', urgency: 3 })
    const c = normalizeArticle({ headline: 'ع', body: 'ف\nق', urgency: 4 })
    assert.equal(contentHash(a), contentHash(b))
    assert.notEqual(contentHash(a), contentHash(c))
  })
})

describe('targetLanguages', () => {
  it('is the union subscribers want, without the source, English when nobody asked', () => {
    assert.deepEqual(targetLanguages('ar', [['en', 'fr'], ['fr', 'ar']]), ['en', 'fr'])
    assert.deepEqual(targetLanguages('ar', []), ['en'])
  })
})
