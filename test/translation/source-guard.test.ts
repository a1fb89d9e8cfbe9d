// The ingest guard: a story sent as Arabic must be mainly Arabic script; another source language
// must be one Google translates from.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import { UnsupportedSourceError } from '../../src/errors.ts'
import { isRightToLeft, isSupportedLanguage, engineLanguageCode } from '../../src/translation/languages.ts'
import { assertTranslatableSource, countScripts } from '../../src/translation/source-guard.ts'

const story = (headline: string, paragraphs: string[], language = 'ar'): ArticleContent => ({ headline, paragraphs, language })

function refusal (content: ArticleContent): UnsupportedSourceError {
  try {
    assertTranslatableSource(content)
  } catch (err) {
    assert.ok(err instanceof UnsupportedSourceError)
    return err
  }
  assert.fail('expected a refusal')
}

describe('source guard', () => {
  it('counts letters by script, presentation forms as Arabic, digits and punctuation not at all', () => {
    const counts = countScripts('ﻗﺎﻝ abc ١٢٣ 456 !؟')
    assert.equal(counts.letters, 6)
    assert.deepEqual(counts.byScript, [{ script: 'Arabic', letters: 3 }, { script: 'Latin', letters: 3 }])
  })

  it('accepts Arabic, also with Latin names and figures in it', () => {
    assertTranslatableSource(story('قمة منظمة CSTO في دوشنبه', ['وافق القادة على خطة بقيمة 250 مليون دولار مع شركة Rosoboronexport.']))
  })

  it('refuses a story sent as Arabic that is mostly Latin script, saying what it found', () => {
    const err = refusal(story('Leaders agree on a border plan', ['The summit ended on Thursday in Dushanbe.', 'قال']))
    assert.equal(err.field, '/body/body')
    assert.match(err.message, /not mainly Arabic script: found mostly Latin script \(9\d% of letters, Arabic [0-9]%\)/)
  })

  it('names other scripts too, and text without letters', () => {
    assert.match(refusal(story('Саммит ОДКБ', ['Лидеры договорились о плане.'])).message, /mostly Cyrillic script \(100% of letters/)
    assert.match(refusal(story('2026', ['12,5 %'])).message, /has no letters/)
  })

  it('takes another source language Google supports, and refuses one it does not', () => {
    assertTranslatableSource(story('Leaders agree on a border plan', ['The summit ended.'], 'en'))
    assertTranslatableSource(story('Саммит ОДКБ', ['Лидеры договорились.'], 'ru'))
    const err = refusal(story('Text', ['More text.'], 'xx'))
    assert.equal(err.field, '/body/language')
    assert.match(err.message, /"xx" is not a language Google Cloud Translation translates from/)
  })

  it('accepts exactly when the census by script finds at least half the letters Arabic, whatever the characters', () => {
    // Arabic letters, harakat and tatweel, Arabic digits and comma, presentation forms, Latin,
    // Cyrillic, Han, and letters outside the BMP (Arabic mathematical alef, a Han extension, an emoji).
    const pool = ['ب', 'ة', 'ً', 'ـ', '٣', '،', 'ﻻ', 'a', 'Z', 'ж', '中', '\u{1EE00}', '\u{20000}', '😀', ' ', '7', '.']
    let seed = 7
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let run = 0; run < 500; run++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pool[Math.floor(next() * pool.length)]).join('')
      const { letters, byScript } = countScripts(text)
      const arabic = byScript.find((s) => s.script === 'Arabic')?.letters ?? 0
      const accepted = (() => {
        try {
          assertTranslatableSource(story(text, [text]))
          return true
        } catch (err) {
          assert.ok(err instanceof UnsupportedSourceError)
          return false
        }
      })()
      assert.equal(accepted, letters > 0 && arabic / letters >= 0.5, JSON.stringify(text))
    }
  })

  it('ignores inline markup when counting', () => {
    assertTranslatableSource(story('خبر', ['<a href="https://example.com/a-very-long-english-looking-url">رابط</a> نص عربي']))
  })
})

describe('Google language codes', () => {
  it('knows Google\'s codes, regional variants by their language, and which are right to left', () => {
    for (const code of ['en', 'fr', 'zh-TW', 'zh-tw', 'mni-Mtei', 'fa-AF', 'en-GB', 'pt-BR', 'ceb']) assert.ok(isSupportedLanguage(code), code)
    for (const code of ['xx', 'klingon', 'tlh']) assert.equal(isSupportedLanguage(code), false, code)
    assert.equal(engineLanguageCode('zh-tw'), 'zh-TW')
    assert.equal(engineLanguageCode('en-GB'), 'en')
    assert.deepEqual(['ar', 'fa', 'he', 'ur', 'pa-Arab', 'en', 'fr'].map(isRightToLeft), [true, true, true, true, true, false, false])
  })
})
