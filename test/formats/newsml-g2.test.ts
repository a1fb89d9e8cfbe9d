// NewsML-G2 newsItem: where each part of the story goes. Schema validity and the exact bytes are
// covered by the golden files (golden.test.ts); these tests pin the meaning.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { NEWSML_G2_CONTENT_TYPE, renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const [en, fr] = [v1.translations.find((t) => t.lang === 'en')!, v1.translations.find((t) => t.lang === 'fr')!]

function render (version: StoredVersion, translation: StoredTranslation | null = null): string {
  return renderNewsmlG2({ version, translation, provider }).body
}

const guidOf = (body: string) => /<newsItem [^>]*guid="([^"]+)"/.exec(body)?.[1]

describe('renderNewsmlG2', () => {
  it('returns the NewsML-G2 news item media type and is deterministic', () => {
    assert.equal(renderNewsmlG2({ version: v1.version, translation: null, provider }).contentType, NEWSML_G2_CONTENT_TYPE)
    assert.equal(NEWSML_G2_CONTENT_TYPE, 'application/vnd.iptc.g2.newsitem+xml')
    assert.equal(render(v1.version, en), render(structuredClone(v1.version), structuredClone(en)))
  })

  it('keeps the guid across versions and gives each language its own', () => {
    const v3 = storyFixture('jerash-olives-v3')
    assert.equal(guidOf(render(v3.version)), guidOf(render(v1.version)))
    assert.equal(guidOf(render(v3.version, v3.translations[0]!)), guidOf(render(v1.version, en)))
    assert.equal(guidOf(render(v1.version)), originalItemGuid(v1.version.guid))
    assert.equal(guidOf(render(v1.version, en)), translationItemGuid(v1.version.guid, 'en'))
    assert.match(render(v3.version), /<newsItem [^>]*version="3"/)
    assert.match(render(v3.version), /<contentModified>2025-10-14T12:20:00Z<\/contentModified>/)
    assert.doesNotMatch(render(v1.version), /<contentModified>/)
  })

  it('marks the Arabic original right-to-left', () => {
    const body = render(v1.version)
    assert.match(body, /<newsItem [^>]*xml:lang="ar"/)
    assert.match(body, /<html xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="ar" xml:lang="ar" dir="rtl">/)
    assert.match(body, /<headline dir="rtl">مزارعو جرش/)
    assert.doesNotMatch(body, /nrel:|<link |<catalog>/)
  })

  it('links a translation to its original, declares the relation scheme and names the engine and model', () => {
    const body = render(v1.version, en)
    assert.match(body, /<scheme alias="nrel" uri="urn:nashra:cv:relation:">/)
    assert.match(body, /<scheme alias="nrol" uri="urn:nashra:cv:role:">/)
    assert.ok(body.includes(`<link rel="nrel:translationOf" residref="${originalItemGuid(v1.version.guid)}" version="1" contenttype="${NEWSML_G2_CONTENT_TYPE}"/>\n  </itemMeta>`))
    assert.match(body, /<contributor role="nrol:machineTranslation">\s*<name>Machine translation from ar to en \(engine: google-v3; model: projects\/nashra-dev\/locations\/global\/models\/general\/nmt\)<\/name>/)
    assert.match(body, /<headline>Jerash farmers[^<]*<\/headline>\s*<headline xml:lang="ar" dir="rtl">مزارعو جرش/)
    assert.match(body, /<versionCreated>2025-10-14T07:42:13.512Z<\/versionCreated>/)
  })

  it('falls back to the original byline and dateline, tagged with their language, when the translation has none', () => {
    const body = render(v1.version, fr)
    assert.match(body, /<by xml:lang="ar" dir="rtl">ريم العبادي<\/by>/)
    assert.match(body, /<located>\s*<name xml:lang="ar" dir="rtl">جرش<\/name>/)
    assert.match(body, /<contributor role="nrol:machineTranslation">\s*<name xml:lang="en">Machine translation from ar to fr/)
  })

  it('signals updates and corrections, and cancels a killed story with a note', () => {
    assert.doesNotMatch(render(v1.version), /<signal|<edNote/)
    assert.match(render(storyFixture('jerash-olives-v2').version), /<edNote xml:lang="en">Update: version 2[^<]*<\/edNote>\s*<signal qcode="sig:update"\/>/)
    assert.match(render(storyFixture('jerash-olives-v3').version), /<signal qcode="sig:correction"\/>/)
    const kill = storyFixture('amman-bus-fares')
    const killed = render(kill.version, kill.translations[0]!)
    assert.match(killed, /<pubStatus qcode="stat:canceled"\/>\s*<edNote>Kill: this story has been withdrawn/)
    assert.doesNotMatch(killed, /<signal/)
  })

  it('maps every publication status', () => {
    for (const pubStatus of ['usable', 'withheld', 'canceled'] as const) {
      assert.match(render({ ...v1.version, pubStatus }), new RegExp(`<pubStatus qcode="stat:${pubStatus}"/>`))
    }
  })

  it('carries the embargo, slugline, category, subjects, located place and urgency', () => {
    const body = render(v1.version)
    assert.match(body, /<firstCreated>[^<]+<\/firstCreated>\s*<embargoed>2025-10-14T09:00:00.000Z<\/embargoed>\s*<pubStatus/)
    assert.match(body, /<slugline dir="rtl">زيتون-جرش<\/slugline>/)
    assert.match(body, /<keyword>agriculture<\/keyword>/)
    assert.match(body, /<subject type="cpnat:abstract" qcode="medtop:04000000">\s*<name xml:lang="en">economy, business and finance<\/name>/)
    assert.match(body, /<located>\s*<name dir="rtl">جرش<\/name>\s*<\/located>/)
    assert.match(body, /<dateline dir="rtl">جرش، ١٤ تشرين الأول\/أكتوبر ٢٠٢٥<\/dateline>/)
    assert.match(body, /<urgency>4<\/urgency>/)
    assert.doesNotMatch(render(storyFixture('jerash-olives-v2').version), /<embargoed>/)
  })

  it('leaves out what is missing or out of range instead of emitting an invalid document', () => {
    const { category: _c, slugline: _s, dateline: _d, byline: _b, ...bare } = v1.version.content
    const body = render({ ...v1.version, content: { ...bare, urgency: 12, embargoedUntil: 'not a date' } })
    assert.doesNotMatch(body, /<urgency>|<embargoed>|<subject|<keyword|<slugline|<located|<creator|<by>|<dateline/)
  })

  it('refuses a translation of another version, invalid language tags and unknown format versions', () => {
    assert.throws(() => render(v1.version, { ...en, versionId: 'ver_other' }), /belongs to version ver_other/)
    assert.throws(() => render(v1.version, { ...en, lang: 'en gb' }), RangeError)
    assert.throws(() => render({ ...v1.version, content: { ...v1.version.content, language: '' } }), RangeError)
    assert.throws(() => renderNewsmlG2({ version: v1.version, translation: null, provider, formatVersion: '2.34' }), RangeError)
    assert.doesNotThrow(() => renderNewsmlG2({ version: v1.version, translation: null, provider, formatVersion: '2.35' }))
  })
})
