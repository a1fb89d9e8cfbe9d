// Translation-memory keys: texts a reader cannot tell apart share a key; the mapping back to
// the original text (used to replace glossary terms) is exact.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeForKey, normalizeWithMap, sourceHash } from '../../src/translation/memory-key.ts'

describe('memory key normalisation', () => {
  it('folds presentation forms, drops tatweel and direction marks, collapses whitespace', () => {
    const plain = 'قال الأمين العام لا'
    // ﻗﺎﻝ: presentation forms of قال; ﻻ: the lam-alef ligature.
    assert.equal(normalizeForKey('\uFED7\uFE8E\uFEDD الأمين العام \uFEFB'), plain)
    assert.equal(normalizeForKey('قـــال الأمين العـام لا'), plain)
    assert.equal(normalizeForKey('\u200Fقال\u200E  الأمين\u061C\n\tالعام   لا '), plain)
    assert.equal(sourceHash('قـال  الأمين العام لا'), sourceHash(plain))
  })

  it('keeps differences a reader sees: letters, digits, punctuation, ZWNJ', () => {
    assert.notEqual(sourceHash('قال الوزير'), sourceHash('قال الوزراء'))
    assert.notEqual(sourceHash('عام ٢٠٢٥'), sourceHash('عام ٢٠٢٦'))
    assert.notEqual(sourceHash('نعم.'), sourceHash('نعم؟'))
    assert.notEqual(normalizeForKey('می\u200Cخواهم'), normalizeForKey('میخواهم'))
  })

  it('hashes to 64 hex digits', () => {
    assert.match(sourceHash('نص'), /^[0-9a-f]{64}$/)
  })

  it('maps every normalised character back to the original span it came from', () => {
    const original = 'قـال  \u200Fالوزير'
    const mapped = normalizeWithMap(original)
    assert.equal(mapped.text, 'قال الوزير')
    const at = mapped.text.indexOf('الوزير')
    const start = mapped.starts[at]!
    const end = mapped.ends[at + 'الوزير'.length - 1]!
    assert.equal(original.slice(start, end), 'الوزير')
    const first = mapped.ends[mapped.text.indexOf('ل')]!
    assert.equal(original.slice(0, first), 'قـال')
  })

  it('maps a ligature to the one original character it came from', () => {
    const mapped = normalizeWithMap('\uFEFB بد')
    assert.equal(mapped.text, 'لا بد')
    assert.deepEqual([mapped.starts[0], mapped.ends[1]], [0, 1])
  })
})
