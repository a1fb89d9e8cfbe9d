// The Atom feed document: entries in sequence order built by the entry formatter, paging links,
// RFC 6721 tombstones for kills, and well-formed output whatever the stories contain.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { renderAtomEntry } from '../../src/formats/atom.ts'
import { ATOM_FEED_CONTENT_TYPE, type AtomFeedInput, type AtomFeedItem, renderAtomFeed } from '../../src/formats/atom-feed.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const v2 = storyFixture('jerash-olives-v2')
const killed = storyFixture('amman-bus-fares')
const en = (story: typeof v1): StoredTranslation => story.translations.find((t) => t.lang === 'en')!

const HREF = 'https://nashra.example/v1/feed.atom'

function feed (items: AtomFeedItem[], overrides: Partial<AtomFeedInput> = {}): string {
  const doc = renderAtomFeed({
    subscriberId: 'b3c1d2e4-0000-4000-8000-000000000001',
    provider,
    items,
    href: HREF,
    after: 0,
    limit: 50,
    next: null,
    now: '2026-01-01T00:00:00.000Z',
    ...overrides
  })
  assert.equal(doc.contentType, ATOM_FEED_CONTENT_TYPE)
  return doc.body
}

/** xmllint reads the document from stdin and never touches the network. */
function xmllint (document: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('xmllint', ['--noout', '--nonet', '-'], (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` })
    })
    child.stdin!.end(document)
  })
}

const items: AtomFeedItem[] = [
  { sequence: 3, event: 'new', version: v1.version, translation: en(v1) },
  { sequence: 4, event: 'new', version: v1.version, translation: null },
  { sequence: 7, event: 'update', version: v2.version, translation: en(v2) }
]

describe('renderAtomFeed', () => {
  it('has the feed metadata and one entry per item, in sequence order, as the entry formatter builds it', async () => {
    const body = feed(items)
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/)
    assert.ok(body.includes('<id>urn:nashra:feed:b3c1d2e4-0000-4000-8000-000000000001</id>'))
    assert.match(body, /<title type="text">Nashra: stories<\/title>/)
    assert.match(body, /<author>\s*<name>Nashra<\/name>\s*<uri>https:\/\/nashra.example\/<\/uri>\s*<\/author>\s*<generator>Nashra<\/generator>/)
    assert.ok(body.includes(`<link rel="self" type="application/atom+xml" href="${HREF}?after=0&amp;limit=50"/>`))
    // The newest entry's time, compared as instants (the fixtures mix fractional and whole seconds).
    const updated = [...body.matchAll(/<updated>([^<]+)<\/updated>/g)].map((m) => m[1]!)
    const newest = updated.slice(1).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b))
    assert.equal(updated[0], newest)

    const ids = [...body.matchAll(/<entry xml:lang="([^"]+)">\s*<id>([^<]+)<\/id>/g)].map((m) => [m[1], m[2]])
    assert.deepEqual(ids, [
      ['en', translationItemGuid(v1.version.guid, 'en')],
      ['ar', originalItemGuid(v1.version.guid)],
      ['en', translationItemGuid(v2.version.guid, 'en')]
    ])
    // Each entry is the standalone entry's tree, minus the namespace the feed already declares.
    const standalone = renderAtomEntry({ version: v1.version, translation: en(v1), provider }).body
    const inner = standalone.replace(/^<\?xml[^>]*>\n/, '').replace(' xmlns="http://www.w3.org/2005/Atom"', '').trimEnd()
    assert.ok(body.includes(inner.replaceAll('\n', '\n  ')), 'the entry is embedded unchanged')
    assert.doesNotMatch(body, /rel="next"|deleted-entry/)
    assert.equal((await xmllint(body)).ok, true)
  })

  it('links the next page only when more items exist', () => {
    assert.doesNotMatch(feed(items), /rel="next"/)
    const body = feed(items.slice(0, 2), { after: 2, limit: 2, next: 4 })
    assert.ok(body.includes(`<link rel="self" type="application/atom+xml" href="${HREF}?after=2&amp;limit=2"/>`))
    assert.ok(body.includes(`<link rel="next" type="application/atom+xml" href="${HREF}?after=4&amp;limit=2"/>`))
  })

  it('is an empty feed updated now when there are no items', async () => {
    const body = feed([])
    assert.match(body, /<updated>2026-01-01T00:00:00.000Z<\/updated>/)
    assert.doesNotMatch(body, /<entry|deleted-entry/)
    assert.equal((await xmllint(body)).ok, true)
  })

  it('turns a kill into an RFC 6721 tombstone for the id earlier entries carried, with no entry', async () => {
    const body = feed([
      { sequence: 1, event: 'new', version: v1.version, translation: null },
      { sequence: 9, event: 'kill', version: killed.version, translation: en(killed) },
      { sequence: 10, event: 'kill', version: killed.version, translation: null }
    ])
    const tombstones = [...body.matchAll(/<at:deleted-entry xmlns:at="http:\/\/purl.org\/atompub\/tombstones\/1.0" ref="([^"]+)" when="([^"]+)">/g)]
      .map((m) => [m[1], m[2]])
    assert.deepEqual(tombstones, [
      [translationItemGuid(killed.version.guid, 'en'), killed.version.versionCreated],
      [originalItemGuid(killed.version.guid), killed.version.versionCreated]
    ])
    assert.match(body, /<at:by>\s*<name>Nashra<\/name>\s*<\/at:by>\s*<at:comment xml:lang="en">Kill: this story has been withdrawn/)
    assert.equal(body.match(/<entry /g)?.length, 1, 'the killed story has no entry, only tombstones')
    assert.ok(!body.includes(killed.version.content.headline), 'no withdrawn text in the feed')
    // A tombstone's time counts for the feed's updated like an entry's.
    const alone = feed([{ sequence: 9, event: 'kill', version: killed.version, translation: null }])
    assert.match(alone, new RegExp(`</title>\\s*<updated>${killed.version.versionCreated}</updated>`))
    assert.equal((await xmllint(body)).ok, true)
  })

  it('stays well-formed with hostile stories, provider and links', async () => {
    const nasty = 'A\u0000B ]]> <script>x</script> &amp; "q" \uD800 \uFFFE \r\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>&x;'
    const version: StoredVersion = {
      ...v1.version,
      guid: `"><entry>${nasty}`,
      content: { ...v1.version.content, headline: nasty, paragraphs: [nasty], byline: nasty, category: nasty }
    }
    const translation: StoredTranslation = { ...en(v1), versionId: version.id, headline: nasty, paragraphs: [nasty], engine: nasty }
    const killVersion: StoredVersion = { ...version, version: 2, event: 'kill', pubStatus: 'canceled' }
    const body = feed([
      { sequence: 1, event: 'new', version, translation },
      { sequence: 2, event: 'kill', version: killVersion, translation: null }
    ], { provider: { name: nasty, uri: 'https://nashra.example/?a=1&b="2"' }, href: `${HREF}?"<>&`, next: 2, limit: 1, after: 0 })
    const lint = await xmllint(body)
    assert.equal(lint.ok, true, lint.output)
    assert.doesNotMatch(body, /<script|<!DOCTYPE|<!ENTITY|<entry>/)
    assert.equal(body.match(/<entry /g)?.length, 1)
    assert.equal(body.match(/<at:deleted-entry /g)?.length, 1)
  })
})
