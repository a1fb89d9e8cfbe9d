// ninjs 3.1 and 2.2: the same story under each version's property names, the version declared
// through `standard`, and a translation's link to its original as an association.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { NINJS_CONTENT_TYPE, renderNinjs } from '../../src/formats/ninjs.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const en = v1.translations.find((t) => t.lang === 'en')!

function render (version: StoredVersion, translation: StoredTranslation | null, formatVersion?: string): any {
  const doc = renderNinjs({ version, translation, provider, formatVersion })
  assert.equal(doc.contentType, NINJS_CONTENT_TYPE)
  return JSON.parse(doc.body)
}

describe('renderNinjs 3.1', () => {
  it('declares the standard, never $schema, and is the default version', () => {
    const doc = render(v1.version, null)
    assert.deepEqual(doc.standard, { name: 'ninjs', version: '3.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json' })
    assert.equal(doc.$schema, undefined)
    assert.deepEqual(render(v1.version, null, '3.1'), doc)
  })

  it('carries identity, dates, status, embargo, urgency and text in camelCase', () => {
    const doc = render(v1.version, null)
    assert.equal(doc.uri, originalItemGuid(v1.version.guid))
    assert.equal(doc.version, '1')
    assert.deepEqual([doc.firstCreated, doc.versionCreated, doc.contentCreated], ['2025-10-14T07:42:10Z', '2025-10-14T07:42:10Z', '2025-10-14T07:42:10Z'])
    assert.equal(doc.embargoedUntil, '2025-10-14T09:00:00.000Z')
    assert.equal(doc.pubStatus, 'usable')
    assert.equal(doc.urgency, 4)
    assert.equal(doc.language, 'ar')
    assert.deepEqual(doc.headlines, [{ role: 'main', value: v1.version.content.headline }])
    assert.equal(doc.slugline, 'زيتون-جرش')
    assert.equal(doc.by, 'ريم العبادي')
    assert.equal(doc.located, 'جرش')
    assert.deepEqual(doc.subjects.map((s: { uri: string }) => s.uri), [
      'http://cv.iptc.org/newscodes/mediatopic/20000209', 'http://cv.iptc.org/newscodes/mediatopic/04000000'])
    assert.equal(doc.edNote, undefined)
    assert.deepEqual(doc.associations.map((a: { type: string }) => a.type), ['picture', 'picture'], 'pictures only: no original')
  })

  it('puts the body in as one XHTML div, marked right-to-left for Arabic, with counts', () => {
    const [body] = render(v1.version, null).bodies
    assert.equal(body.contentType, 'application/xhtml+xml')
    assert.match(body.value, /^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="ar" xml:lang="ar" dir="rtl"><p>يتوقع/)
    assert.equal(body.value.match(/<p>/g).length, 4)
    assert.match(body.value, /«الوادي للزيوت &amp; المعاصر»/)
    assert.ok(body.wordCount > 80 && body.wordCount < 120, String(body.wordCount))
    assert.ok(body.charCount > body.wordCount * 3)
  })

  it('links a translation to its original and names the translating engine', () => {
    const doc = render(v1.version, en)
    assert.equal(doc.uri, translationItemGuid(v1.version.guid, 'en'))
    assert.deepEqual(doc.headlines.map((h: { role: string }) => h.role), ['main', 'original'])
    assert.equal(doc.headlines[1].value, v1.version.content.headline)
    assert.deepEqual(doc.associations.slice(0, 1), [{
      name: 'original',
      rel: 'urn:nashra:cv:relation:translationOf',
      uri: originalItemGuid(v1.version.guid),
      type: 'text',
      version: '1',
      language: 'ar',
      headlines: [{ role: 'main', value: v1.version.content.headline }],
    }])
    assert.equal(doc.infoSources[0].role, 'urn:nashra:cv:role:machineTranslation')
    assert.match(doc.infoSources[0].name, /^Machine translation from ar to en \(engine: google-v3; model: projects\//)
  })

  it('tells updates, corrections and kills through version, pubStatus and edNote', () => {
    assert.match(render(storyFixture('jerash-olives-v2').version, null).edNote, /^Update: version 2/)
    assert.match(render(storyFixture('jerash-olives-v3').version, null).edNote, /^Correction: version 3/)
    const kill = render(storyFixture('amman-bus-fares').version, null)
    assert.equal(kill.pubStatus, 'canceled')
    assert.match(kill.edNote, /^Kill: /)
  })

  it('keeps an unmapped category as a literal subject', () => {
    const doc = render({ ...v1.version, content: { ...v1.version.content, category: 'Local Desk' } }, null)
    assert.deepEqual(doc.subjects, [{ name: 'Local Desk', literal: 'Local Desk' }])
  })
})

describe('renderNinjs 2.2', () => {
  it('uses 2.2 names: lower case, `embargoed`, and no `rel` on associations', () => {
    const doc = render(v1.version, en, '2.2')
    assert.deepEqual(doc.standard, { name: 'ninjs', version: '2.2', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json' })
    for (const key of Object.keys(doc)) assert.equal(key, key.toLowerCase())
    assert.equal(doc.embargoed, '2025-10-14T09:00:00.000Z')
    assert.equal(doc.versioncreated, en.createdAt)
    assert.equal(doc.pubstatus, 'usable')
    assert.equal(doc.bodies[0].contenttype, 'application/xhtml+xml')
    assert.equal(doc.infosources[0].role, 'urn:nashra:cv:role:machineTranslation')
    assert.equal(doc.associations[0].name, 'original')
    assert.equal(doc.associations[0].rel, undefined)
  })

  it('says the same as 3.1, property for property', () => {
    const latest = render(v1.version, en)
    const older = render(v1.version, en, '2.2')
    assert.equal(older.headlines[1].value, latest.headlines[1].value)
    assert.equal(older.bodies[0].value, latest.bodies[0].value)
    assert.equal(Object.keys(older).length, Object.keys(latest).length)
  })

  it('refuses versions it does not have', () => {
    assert.throws(() => render(v1.version, null, '3.0'), RangeError)
  })
})
