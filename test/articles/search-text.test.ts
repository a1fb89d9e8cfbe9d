// The one normaliser behind headline search: stored headlines and queries agree whatever the
// tashkeel, tatweel, alef, yaa and taa marbuta forms, and the article or conjunction in front.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeSearchText, queryTerms, searchTerms } from '../../src/articles/search-text.ts'

const matches = (headline: string, query: string): boolean => {
  const stored = searchTerms(headline)
  return queryTerms(query).every((q) => stored.some((s) => s.startsWith(q)))
}

describe('search text', () => {
  it('drops tashkeel and tatweel and folds alef, alef maqsura and taa marbuta', () => {
    assert.equal(normalizeSearchText('الرَّئِيسُ'), 'الرئيس')
    assert.equal(normalizeSearchText('مـــدرســـة'), 'مدرسه')
    assert.equal(normalizeSearchText('أحمد إبراهيم آمن ٱلله'), 'احمد ابراهيم امن الله')
    assert.equal(normalizeSearchText('مستشفى'), 'مستشفي')
    assert.equal(normalizeSearchText('Amman BUS'), 'amman bus')
  })

  it('finds a headline written with tashkeel by a query without, and the other way round', () => {
    const headline = 'وَزِيرُ الزِّرَاعَةِ: مَوْسِمٌ اسْتِثْنَائِيٌّ لِلزَّيْتُونِ'
    assert.ok(matches(headline, 'موسم استثنائي'))
    assert.ok(matches('موسم استثنائي للزيتون', 'مَوْسِمٌ'))
    assert.ok(matches(headline, 'الزيتون'), 'لل + word is found by ال + word')
    assert.ok(matches(headline, 'زراعة'), 'taa marbuta and the article do not matter')
    assert.ok(matches('وقال الرئيس', 'قال'), 'a word is found behind a conjunction')
    assert.ok(!matches('زيارة الرئيس', 'وزير'), 'a query word keeps its first letter')
    assert.ok(!matches(headline, 'مدرسة'))
  })

  it('matches query words as prefixes and needs every word', () => {
    assert.ok(matches('أمانة عمّان تؤجل رفع أجرة الحافلات', 'امانه حافل'))
    assert.ok(!matches('أمانة عمّان تؤجل رفع أجرة الحافلات', 'امانه قطار'))
  })

  it('has no terms for punctuation only', () => {
    assert.deepEqual(queryTerms(' ،؟!… '), [])
  })
})
