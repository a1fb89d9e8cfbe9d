import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  isLanguageTag,
  isPlainUri,
  languageDirection,
  originalItemGuid,
  translationItemGuid,
} from '../../src/formats/identifiers.ts'

describe('originalItemGuid', () => {
  it('keeps a publisher guid that is already a URI', () => {
    for (const guid of ['urn:newsml:acme.example:20251014:olives', 'https://news.example.org/a/1?x=2#f', 'tag:acme.example,2025:42']) {
      assert.equal(originalItemGuid(guid), guid)
    }
  })

  it('wraps anything else in urn:nashra:story:, percent-encoded', () => {
    assert.equal(originalItemGuid('jr-2025-10-14'), 'urn:nashra:story:jr-2025-10-14')
    assert.equal(originalItemGuid('AP 123/45'), 'urn:nashra:story:AP%20123%2F45')
    assert.equal(originalItemGuid('خبر-١'), 'urn:nashra:story:%D8%AE%D8%A8%D8%B1-%D9%A1')
    assert.equal(originalItemGuid('urn:x:has space'), 'urn:nashra:story:urn%3Ax%3Ahas%20space')
    assert.equal(originalItemGuid('https:'), 'urn:nashra:story:https%3A')
    assert.equal(originalItemGuid('"><x>'), 'urn:nashra:story:%22%3E%3Cx%3E')
  })

  it('wraps URIs that a strict validator (ninjs format "uri", Atom IRIs) would refuse', () => {
    for (const guid of ['urn:x:[a]', 'https://a:b:c/', 'urn:a#b#c', 'urn:%zz', 'https:///x', 'https://user@host/x', 'urn:a b']) {
      assert.match(originalItemGuid(guid), /^urn:nashra:story:/, guid)
    }
    for (const guid of ['http://x.org:80/a%20b', 'mailto:desk@example.org', 'urn:isbn:0-486-27557-4', 'https://x.example/a?b=1&c=2#d']) {
      assert.equal(originalItemGuid(guid), guid)
      assert.ok(isPlainUri(guid), guid)
    }
  })

  it('never passes through a guid in Nashra\'s own namespace', () => {
    assert.equal(originalItemGuid('urn:nashra:translation:en:x'), 'urn:nashra:story:urn%3Anashra%3Atranslation%3Aen%3Ax')
    assert.equal(originalItemGuid('URN:Nashra:story:x'), 'urn:nashra:story:URN%3ANashra%3Astory%3Ax')
  })

  it('survives a lone surrogate instead of throwing', () => {
    assert.equal(originalItemGuid('a\uD800b'), 'urn:nashra:story:a%EF%BF%BDb')
  })
})

describe('translationItemGuid', () => {
  it('is deterministic, per language, and case-insensitive in the tag', () => {
    assert.equal(translationItemGuid('jr-1', 'en'), 'urn:nashra:translation:en:jr-1')
    assert.equal(translationItemGuid('jr-1', 'en-GB'), translationItemGuid('jr-1', 'en-gb'))
    assert.notEqual(translationItemGuid('jr-1', 'en'), translationItemGuid('jr-1', 'fr'))
    assert.equal(translationItemGuid('https://x.example/a', 'fr'), 'urn:nashra:translation:fr:https%3A%2F%2Fx.example%2Fa')
  })

  it('cannot collide with an original item guid or another story\'s translation', () => {
    const stories = ['urn:pub:1', 'urn:pub:1:en', 'urn:nashra:translation:en:urn%3Apub%3A1', 'x', 'x:en']
    const ids = stories.flatMap((guid) => [originalItemGuid(guid), translationItemGuid(guid, 'en')])
    assert.equal(new Set(ids).size, ids.length)
  })
})

describe('language helpers', () => {
  it('accepts xs:language tags only', () => {
    for (const tag of ['ar', 'en', 'en-GB', 'zh-Hant-TW', 'ar-001']) assert.ok(isLanguageTag(tag), tag)
    for (const tag of ['', 'en gb', 'en_GB', 'toolongtag', 'en-', '-en', 'ar\n']) assert.ok(!isLanguageTag(tag), JSON.stringify(tag))
  })

  it('knows which languages are written right to left', () => {
    for (const tag of ['ar', 'AR-eg', 'fa', 'he', 'ur', 'ckb', 'az-Arab']) assert.equal(languageDirection(tag), 'rtl', tag)
    for (const tag of ['en', 'fr', 'tr', 'ar-Latn', 'zh-Hans']) assert.equal(languageDirection(tag), 'ltr', tag)
  })
})
