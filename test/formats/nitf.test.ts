// NITF 3.6: where each part of the story goes (see the map at the top of src/formats/nitf.ts).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { NITF_CONTENT_TYPE, nitfDate, renderNitf } from '../../src/formats/nitf.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const en = v1.translations.find((t) => t.lang === 'en')!
const fr = v1.translations.find((t) => t.lang === 'fr')!

function render (version: StoredVersion, translation: StoredTranslation | null = null): string {
  const doc = renderNitf({ version, translation, provider })
  assert.equal(doc.contentType, NITF_CONTENT_TYPE)
  return doc.body
}

describe('renderNitf', () => {
  it('is NITF 3.6 in its namespace, with the language and direction on the root', () => {
    const body = render(v1.version)
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<nitf xmlns="http:\/\/iptc.org\/std\/NITF\/2006-10-18\/" xmlns:its="http:\/\/www.w3.org\/2005\/11\/its" version="-\/\/IPTC\/\/DTD NITF 3.6\/\/EN" baselang="ar" xml:lang="ar" its:version="2.0" its:dir="rtl">/)
    assert.match(render(v1.version, en), /baselang="en" xml:lang="en" its:version="2.0" its:dir="ltr"/)
  })

  it('identifies the item and its version in docdata', () => {
    const body = render(storyFixture('jerash-olives-v2').version)
    const guid = originalItemGuid(v1.version.guid)
    assert.ok(body.includes(`<doc-id id-string="${guid}" regsrc="Nashra"/>`))
    assert.ok(body.includes(`<du-key key="${guid}" version="2"/>`))
    assert.match(body, /<date.issue norm="20251014T110500Z"\/>/)
    assert.match(body, /<meta name="first-created" content="2025-10-14T07:42:10Z"\/>/)
  })

  it('states publication status, embargo, urgency and signals', () => {
    assert.match(render(v1.version), /<docdata management-status="usable">/)
    assert.match(render(v1.version), /<date.release norm="20251014T090000Z"\/>/)
    assert.match(render(v1.version), /<urgency ed-urg="4"\/>/)
    assert.doesNotMatch(render(v1.version), /<ed-msg|<correction/)
    assert.match(render(storyFixture('jerash-olives-v2').version), /<ed-msg msg-type="update" info="Update: version 2/)
    const corrected = render(storyFixture('jerash-olives-v3').version)
    assert.match(corrected, /<correction info="Correction: version 3[^"]*" id-string="urn:nashra:story:jr-2025-10-14-olive-season"\/>/)
    assert.match(corrected, /<ed-msg msg-type="correction"/)
    const killed = render(storyFixture('amman-bus-fares').version)
    assert.match(killed, /<docdata management-status="canceled">/)
    assert.match(killed, /<ed-msg msg-type="kill" info="Kill: /)
  })

  it('classifies with Media Topics and keeps the category as a keyword', () => {
    const body = render(v1.version)
    assert.match(body, /<classifier type="subject" idsrc="http:\/\/cv.iptc.org\/newscodes\/mediatopic\/" value="http:\/\/cv.iptc.org\/newscodes\/mediatopic\/04000000" xml:lang="en">economy, business and finance<\/classifier>/)
    assert.match(body, /<key-list>\s*<keyword key="agriculture"\/>\s*<\/key-list>/)
  })

  it('puts headline, byline, distributor and dateline in body.head, the place marked as location', () => {
    const body = render(v1.version)
    assert.match(body, /<title>مزارعو جرش/)
    assert.match(body, /<hedline>\s*<hl1>مزارعو جرش[^<]*<\/hl1>\s*<\/hedline>\s*<byline>ريم العبادي<\/byline>\s*<distributor>Nashra<\/distributor>/)
    assert.match(body, /<dateline><location>جرش<\/location>، ١٤ تشرين الأول\/أكتوبر ٢٠٢٥<\/dateline>/)
    assert.equal(body.match(/<p>/g)?.length, 4)
  })

  it('shows the Arabic headline beside a translation and names the original and the translator', () => {
    const body = render(v1.version, en)
    assert.match(body, /<hedline>\s*<hl1>Jerash farmers[^<]*<\/hl1>\s*<\/hedline>\s*<hedline xml:lang="ar" its:dir="rtl">\s*<hl1>مزارعو جرش/)
    assert.ok(body.includes(`<meta name="translation-of" content="${originalItemGuid(v1.version.guid)}"/>`))
    assert.ok(body.includes(`<doc-id id-string="${translationItemGuid(v1.version.guid, 'en')}"`))
    assert.match(body, /<revision-history name="google-v3 \(projects\/nashra-dev\/[^"]+\)" function="other" norm="20251014T074213Z" comment="Machine translation from ar to en/)
  })

  it('tags an untranslated Arabic byline and dateline in a French item', () => {
    const body = render(v1.version, fr)
    assert.match(body, /<byline xml:lang="ar" its:dir="rtl">ريم العبادي<\/byline>/)
    assert.match(body, /<dateline xml:lang="ar" its:dir="rtl"><location>جرش<\/location>/)
  })
})

describe('nitfDate', () => {
  it('writes ISO 8601 basic format in UTC', () => {
    assert.equal(nitfDate('2025-10-14T07:42:13.512Z'), '20251014T074213Z')
    assert.equal(nitfDate('2025-10-14T09:42:13+02:00'), '20251014T074213Z')
  })
})
