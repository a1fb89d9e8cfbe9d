// Atom 1.0 entry: the required elements, direction through xhtml text constructs, IPTC
// vocabularies as categories, and a translation's link to its original.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { ATOM_CONTENT_TYPE, renderAtomEntry } from '../../src/formats/atom.ts'
import type { Provider } from '../../src/formats/registry.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const en = v1.translations.find((t) => t.lang === 'en')!

function render (version: StoredVersion, translation: StoredTranslation | null = null, withProvider: Provider = provider): string {
  const doc = renderAtomEntry({ version, translation, provider: withProvider })
  assert.equal(doc.contentType, ATOM_CONTENT_TYPE)
  return doc.body
}

describe('renderAtomEntry', () => {
  it('has id, updated, published and author', () => {
    const body = render(v1.version, en)
    assert.match(body, /<entry xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="en">/)
    assert.ok(body.includes(`<id>${translationItemGuid(v1.version.guid, 'en')}</id>`))
    assert.match(body, /<updated>2025-10-14T07:42:13.512Z<\/updated>\s*<published>2025-10-14T07:42:10Z<\/published>/)
    assert.match(body, /<author>\s*<name>Reem Al-Abbadi<\/name>\s*<\/author>/)
  })

  it('falls back to the provider as author when there is no byline', () => {
    const { byline: _b, ...content } = v1.version.content
    const body = render({ ...v1.version, content })
    assert.match(body, /<author>\s*<name>Nashra<\/name>\s*<uri>https:\/\/nashra.example\/<\/uri>\s*<\/author>/)
    assert.match(render({ ...v1.version, content }, null, { name: ' ' }), /<author>\s*<name>Nashra<\/name>\s*<\/author>/)
  })

  it('marks Arabic title and content right-to-left through xhtml constructs', () => {
    const body = render(v1.version)
    assert.match(body, /<title type="xhtml">\s*<div xmlns="http:\/\/www.w3.org\/1999\/xhtml" dir="rtl">مزارعو جرش[^<]*<\/div>\s*<\/title>/)
    assert.match(body, /<content type="xhtml">\s*<div xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="ar" xml:lang="ar" dir="rtl">\s*<p>/)
    assert.match(render(v1.version, en), /<title type="text">Jerash farmers/)
  })

  it('links a translation to its original and names the translator', () => {
    const body = render(v1.version, en)
    assert.ok(body.includes(`<link rel="urn:nashra:cv:relation:translationOf" href="${originalItemGuid(v1.version.guid)}" hreflang="ar" title="${v1.version.content.headline}"/>`))
    assert.match(body, /<contributor>\s*<name xml:lang="en">Machine translation from ar to en/)
    assert.doesNotMatch(render(v1.version), /<link rel="urn:|<contributor>/)
  })

  it('carries status, signals and subjects as categories in IPTC schemes', () => {
    assert.match(render(v1.version), /<category scheme="http:\/\/cv.iptc.org\/newscodes\/pubstatusg2\/" term="usable" label="usable"\/>/)
    assert.match(render(v1.version), /<category scheme="http:\/\/cv.iptc.org\/newscodes\/mediatopic\/" term="04000000" label="economy, business and finance" xml:lang="en"\/>/)
    assert.match(render(v1.version), /<category term="agriculture"\/>/)
    assert.doesNotMatch(render(v1.version), /newscodes\/signal|<summary/)
    assert.match(render(storyFixture('jerash-olives-v2').version), /<category scheme="http:\/\/cv.iptc.org\/newscodes\/signal\/" term="update" label="update"\/>/)
    assert.match(render(storyFixture('jerash-olives-v3').version), /term="correction"[^>]*\/>\s*(<(category|link)[^>]*\/>\s*)*<summary xml:lang="en">Correction: /)
    const killed = render(storyFixture('amman-bus-fares').version)
    assert.match(killed, /term="canceled"/)
    assert.match(killed, /<summary xml:lang="en">Kill: /)
  })
})
