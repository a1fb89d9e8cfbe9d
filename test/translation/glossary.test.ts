// Finding glossary and do-not-translate terms: on normalised text, whole words (Arabic
// proclitics allowed), longest first, per target language; and the per-segment fingerprint.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { GlossaryEntry } from '../../src/storage/types.ts'
import { findTerms, glossaryFingerprint, prepareGlossary, termFor } from '../../src/translation/glossary.ts'

let n = 0
function entry (term: string, translations: Record<string, string>, doNotTranslate = false, sourceLanguage = 'ar'): GlossaryEntry {
  n++
  return { id: `e${n}`, term, sourceLanguage, doNotTranslate, translations, createdAt: '', updatedAt: '' }
}

const CSTO = entry('منظمة معاهدة الأمن الجماعي', { en: 'Collective Security Treaty Organization (CSTO)', fr: 'Organisation du traité de sécurité collective (OTSC)' })
const TREATY = entry('معاهدة', { en: 'treaty' })
const NASHRA = entry('نشرة', {}, true)
const glossary = prepareGlossary({ version: 7, entries: [CSTO, TREATY, NASHRA, entry('Reuters', {}, true, 'en')] }, 'ar')

const spans = (text: string, lang = 'en') => findTerms(text, glossary, lang).map((m) => [text.slice(m.start, m.end), m.target])

describe('glossary matching', () => {
  it('keeps only the entries of the source language', () => {
    assert.equal(glossary.version, 7)
    assert.equal(glossary.terms.length, 3)
  })

  it('finds a term and prefers the longest entry over one it contains', () => {
    assert.deepEqual(spans('اجتمع قادة منظمة معاهدة الأمن الجماعي اليوم'), [
      ['منظمة معاهدة الأمن الجماعي', 'Collective Security Treaty Organization (CSTO)'],
    ])
    assert.deepEqual(spans('وقعوا معاهدة جديدة'), [['معاهدة', 'treaty']])
  })

  it('matches through tatweel, direction marks and extra spaces, replacing the original span', () => {
    const text = 'قادة منظمـة  معاهدة \u200Fالأمن الجماعي'
    assert.deepEqual(spans(text), [['منظمـة  معاهدة \u200Fالأمن الجماعي', 'Collective Security Treaty Organization (CSTO)']])
  })

  it('accepts Arabic proclitics before a term but not other letters around it', () => {
    assert.deepEqual(spans('ولمنظمة معاهدة الأمن الجماعي دور'), [['منظمة معاهدة الأمن الجماعي', 'Collective Security Treaty Organization (CSTO)']])
    assert.deepEqual(spans('بالمعاهدة'), [['معاهدة', 'treaty']], 'bi + al + term')
    assert.deepEqual(spans('معاهدتين'), [], 'a longer word is another word')
    assert.deepEqual(spans('نشرتها'), [])
    assert.deepEqual(spans('تمعاهدة'), [], 'ta- is no proclitic')
  })

  it('keeps do-not-translate terms as written in every language', () => {
    assert.deepEqual(spans('مراسل نشرة', 'de'), [['نشرة', 'نشرة']])
    assert.deepEqual(spans('منظمة معاهدة الأمن الجماعي', 'de'), [], 'no German rendering: translated normally')
    assert.deepEqual(spans('منظمة معاهدة الأمن الجماعي', 'fr')[0]?.[1], 'Organisation du traité de sécurité collective (OTSC)')
  })

  it('falls back from a regional target to its language', () => {
    assert.equal(termFor(CSTO, 'en-GB'), 'Collective Security Treaty Organization (CSTO)')
    assert.equal(termFor(CSTO, 'de'), undefined)
  })
})

describe('glossary fingerprint', () => {
  const fingerprint = (entries: GlossaryEntry[], text: string, lang = 'en') =>
    glossaryFingerprint(findTerms(text, prepareGlossary({ version: 1, entries }, 'ar'), lang))

  it('is empty for a segment without terms, whatever the glossary holds', () => {
    assert.equal(fingerprint([CSTO, TREATY], 'خبر عادي'), '')
  })

  it('changes when a matching entry changes, not when another entry does', () => {
    const text = 'وقعوا معاهدة جديدة'
    const before = fingerprint([TREATY, NASHRA], text)
    assert.match(before, /^g1:[0-9a-f]{32}$/)
    assert.equal(fingerprint([TREATY, entry('نشرة', { en: 'Nashra' })], text), before, 'unrelated entry changed')
    assert.notEqual(fingerprint([entry('معاهدة', { en: 'pact' })], text), before, 'its own entry changed')
    assert.notEqual(fingerprint([TREATY], text, 'fr'), before, 'other language')
  })
})
