// The domain decisions both storage backends apply (src/storage/rules.ts), checked at their
// edges; the contract suites check that each backend stores what these decide.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  documentHash, fanOutDocuments, initialDeliveryStatus, killContent, killContentHash, killStatus, newWebhookId, patchSubscriber, repeatedPostOutcome,
  retryOutcome, signingSecrets, urlColumn, versionEvent
} from '../../src/storage/rules.ts'
import type { Subscriber } from '../../src/storage/types.ts'

const subscriber: Subscriber = {
  id: 's1',
  name: 'Partner',
  url: 'https://partner.example/hook',
  mode: 'push',
  format: 'ninjs',
  formatVersion: '3.1',
  languages: ['en'],
  filters: {},
  active: false,
  disabledReason: 'HTTP 410',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z'
}

describe('storage rules', () => {
  it('names a version by why it exists: new, then update or correction', () => {
    assert.deepEqual([versionEvent(1, true), versionEvent(2, undefined), versionEvent(2, false), versionEvent(3, true)],
      ['new', 'update', 'update', 'correction'])
  })

  it('refuses a post for a killed story and reports one with unchanged content, else lets it through', () => {
    const latest = { id: 'v2', version: 2, contentHash: 'h', status: 'distributed' as const, event: 'update', createdAt: 't2' }
    assert.deepEqual(repeatedPostOutcome('a', latest, 'h'), { kind: 'unchanged', articleId: 'a', versionId: 'v2', version: 2, status: 'distributed' })
    assert.equal(repeatedPostOutcome('a', latest, 'other'), null)
    assert.deepEqual(repeatedPostOutcome('a', { ...latest, event: 'kill' }, 'other'),
      { kind: 'killed', articleId: 'a', versionId: 'v2', version: 2, status: 'distributed', killedAt: 't2' })
  })

  it('gives a kill its own hash, the reason as its only note, and translation only when there is a reason', () => {
    assert.equal(killContentHash('abc'), 'kill:abc')
    const latest = JSON.stringify({ headline: 'h', note: 'an earlier note' })
    assert.deepEqual(JSON.parse(killContent(latest, undefined)), { headline: 'h' })
    assert.deepEqual(JSON.parse(killContent(latest, 'legal')), { headline: 'h', note: 'legal' })
    assert.deepEqual([killStatus(undefined), killStatus('legal')], ['translated', 'received'])
  })

  it('retries only a failed latest version', () => {
    assert.deepEqual(retryOutcome(undefined), { kind: 'not-found' })
    assert.deepEqual(retryOutcome({ id: 'v', version: 3, status: 'distributed' }), { kind: 'not-failed', version: 3, status: 'distributed' })
    assert.deepEqual(retryOutcome({ id: 'v', version: 3, status: 'failed' }), { kind: 'retried', versionId: 'v', version: 3 })
  })

  it('puts a pull delivery in the feed and a push delivery in the queue; webhook ids are msg_ and a UUID', () => {
    assert.deepEqual([initialDeliveryStatus('pull'), initialDeliveryStatus('push')], ['feed', 'pending'])
    assert.match(newWebhookId(), /^msg_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    assert.notEqual(newWebhookId(), newWebhookId())
  })

  it('hashes a document by its content type and body, apart', () => {
    assert.equal(documentHash('text/plain', 'x'), documentHash('text/plain', 'x'))
    assert.notEqual(documentHash('text/plain', 'x'), documentHash('text/plain\nx', ''))
    assert.match(documentHash('a', 'b'), /^[0-9a-f]{64}$/)
  })

  it('signs with the previous secret too until the overlap ends, and not at its last instant', () => {
    assert.deepEqual(signingSecrets('new', 'old', '2026-12-01T10:00:00.000Z', '2026-12-01T09:59:59.999Z'), ['new', 'old'])
    assert.deepEqual(signingSecrets('new', 'old', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z'), ['new'])
    assert.deepEqual(signingSecrets('new', null, null, '2026-12-01T09:00:00.000Z'), ['new'])
  })

  it('applies an admin change: a new format restarts at its default version, re-enabling is logged', () => {
    const { next, reenabled, event } = patchSubscriber(subscriber, { format: 'newsml-g2', active: true }, 't')
    assert.equal(next.format, 'newsml-g2')
    assert.equal('formatVersion' in next, false)
    assert.equal(reenabled, true)
    assert.deepEqual(event, { at: 't', kind: 'enabled', detail: 'changed by an admin' })
    const same = patchSubscriber(subscriber, { name: 'Renamed', formatVersion: '2.2' }, 't')
    assert.deepEqual([same.next.formatVersion, same.reenabled, same.event], ['2.2', false, null])
  })

  it('stores no endpoint for a pull subscriber', () => {
    assert.equal(urlColumn({ mode: 'pull', url: 'https://ignored.example' }), '')
    assert.equal(urlColumn({ mode: 'push', url: null }), '')
    assert.equal(urlColumn({ mode: 'push', url: 'https://p.example' }), 'https://p.example')
  })
})

describe('fan-out documents', () => {
  it('hashes each document once, by body and content type', () => {
    const documentOf = fanOutDocuments()
    const body = `<x>${'خبر '.repeat(1000)}</x>`
    const first = documentOf('application/xml', body)
    assert.deepEqual(first, { hash: documentHash('application/xml', body), isNew: true })
    // The same body arriving as another string (another subscriber's copy) is the same document.
    assert.deepEqual(documentOf('application/xml', `${body.slice(0, 10)}${body.slice(10)}`), { hash: first.hash, isNew: false })
    const asAtom = documentOf('application/atom+xml', body)
    assert.deepEqual(asAtom, { hash: documentHash('application/atom+xml', body), isNew: true })
    assert.notEqual(asAtom.hash, first.hash)
  })
})
