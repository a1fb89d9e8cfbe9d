// NewsML-G2 newsMessage: the original and its translations together, in a stable order, with a
// header that depends on the input only.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation } from '../../src/articles/types.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { NEWSML_G2_MESSAGE_CONTENT_TYPE, renderNewsmlG2Message } from '../../src/formats/newsml-g2-message.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const en = v1.translations.find((t) => t.lang === 'en')!
const fr = v1.translations.find((t) => t.lang === 'fr')!

function render (translation: StoredTranslation | null, translations: StoredTranslation[] | undefined = v1.translations): string {
  const doc = renderNewsmlG2Message({ version: v1.version, translation, translations, provider })
  assert.equal(doc.contentType, NEWSML_G2_MESSAGE_CONTENT_TYPE)
  return doc.body
}

const itemGuids = (body: string) => [...body.matchAll(/<newsItem [^>]*guid="([^"]+)"/g)].map((m) => m[1])

describe('renderNewsmlG2Message', () => {
  it('for the original language carries the original and every translation, original first', () => {
    assert.equal(NEWSML_G2_MESSAGE_CONTENT_TYPE, 'application/vnd.iptc.g2.newsmessage+xml')
    const body = render(null)
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<newsMessage xmlns="http:\/\/iptc.org\/std\/nar\/2006-10-01\/">\n {2}<header>\n {4}<sent>/)
    assert.deepEqual(itemGuids(body), [
      originalItemGuid(v1.version.guid), translationItemGuid(v1.version.guid, 'en'), translationItemGuid(v1.version.guid, 'fr')])
  })

  it('for a translation carries the original and that translation only', () => {
    assert.deepEqual(itemGuids(render(fr)), [originalItemGuid(v1.version.guid), translationItemGuid(v1.version.guid, 'fr')])
    assert.deepEqual(itemGuids(render(en, undefined)), [originalItemGuid(v1.version.guid), translationItemGuid(v1.version.guid, 'en')])
  })

  it('does not depend on the order or duplication of the translations it is given', () => {
    assert.equal(render(null, [fr, en, fr]), render(null, [en, fr]))
    assert.equal(itemGuids(render(null, [])).length, 1)
  })

  it('stamps the header from the input: sent is the newest item, priority the urgency', () => {
    const body = render(null)
    assert.match(body, /<sent>2025-10-14T07:42:14Z<\/sent>/)
    assert.match(body, /<sender>Nashra<\/sender>/)
    assert.match(body, /<transmitId>urn:nashra:story:jr-2025-10-14-olive-season v1 ar en fr<\/transmitId>/)
    assert.match(body, /<priority>4<\/priority>/)
  })

  it('refuses translations of another version', () => {
    assert.throws(() => render(null, [{ ...en, versionId: 'ver_other' }]), /belongs to version ver_other/)
  })
})
