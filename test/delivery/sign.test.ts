import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { generateSecret, sign, signatureHeader, webhookHeaders } from '../../src/delivery/sign.ts'

const now = () => Math.floor(Date.now() / 1000)
const arabicBody = JSON.stringify({ headline: 'عاجل: افتتاح معرض الكتاب في الرياض', lang: 'ar' })

describe('generateSecret', () => {
  it('is whsec_ + base64 of 32 random bytes', () => {
    const secret = generateSecret()
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32)
    assert.notEqual(generateSecret(), secret)
  })
})

describe('sign', () => {
  it('matches an independent HMAC over "id.timestamp.body" keyed with the decoded secret', () => {
    const secret = generateSecret()
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
    const expected = createHmac('sha256', key).update('msg_1.1700000000.{"a":1}').digest('base64')
    assert.equal(sign({ secret, id: 'msg_1', timestamp: 1700000000, body: '{"a":1}' }), `v1,${expected}`)
  })

  it('signs a string and its UTF-8 bytes identically (Arabic text)', () => {
    const secret = generateSecret()
    const input = { secret, id: 'msg_ar', timestamp: 1700000000 }
    const fromString = sign({ ...input, body: arabicBody })
    const fromBytes = sign({ ...input, body: new TextEncoder().encode(arabicBody) })
    assert.equal(fromString, fromBytes)
    // The UTF-8 byte length differs from the UTF-16 length: signing .length-based slices would break.
    assert.notEqual(Buffer.byteLength(arabicBody), arabicBody.length)
  })

  it('rejects malformed secrets, ids and timestamps', () => {
    const body = '{}'
    assert.throws(() => sign({ secret: 'nope', id: 'a', timestamp: 1, body }), /whsec_/)
    assert.throws(() => sign({ secret: 'whsec_!!!!', id: 'a', timestamp: 1, body }), /base64/)
    assert.throws(() => sign({ secret: 'whsec_AAAA', id: 'a', timestamp: 1, body }), /bytes/)
    const secret = generateSecret()
    assert.throws(() => sign({ secret, id: '', timestamp: 1, body }), /id/)
    assert.throws(() => sign({ secret, id: 'a\r\nx: y', timestamp: 1, body }), /id/)
    assert.throws(() => sign({ secret, id: 'a', timestamp: 1.5, body }), /timestamp/)
  })
})

describe('webhookHeaders verified by the standardwebhooks package', () => {
  it('verifies an Arabic JSON body sent as a string and as bytes', () => {
    const secret = generateSecret()
    const timestamp = now()
    const headers = webhookHeaders({ id: 'msg_2', timestamp, body: arabicBody, secrets: [secret] })
    assert.deepEqual(Object.keys(headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp'])
    assert.equal(headers['webhook-timestamp'], String(timestamp))
    const wh = new Webhook(secret)
    assert.deepEqual(wh.verify(arabicBody, headers), JSON.parse(arabicBody))
    // A receiver usually holds the raw request bytes: those must verify too.
    assert.deepEqual(wh.verify(Buffer.from(arabicBody, 'utf8'), headers), JSON.parse(arabicBody))
  })

  it('fails for a tampered body, id or timestamp', () => {
    const secret = generateSecret()
    const timestamp = now()
    const headers = webhookHeaders({ id: 'msg_3', timestamp, body: arabicBody, secrets: [secret] })
    const wh = new Webhook(secret)
    assert.throws(() => wh.verify(arabicBody.replace('الرياض', 'جدة'), headers), /No matching signature/)
    assert.throws(() => wh.verify(arabicBody, { ...headers, 'webhook-id': 'msg_4' }), /No matching signature/)
    const shifted = { ...headers, 'webhook-timestamp': String(timestamp - 1) }
    assert.throws(() => wh.verify(arabicBody, shifted), /No matching signature/)
  })

  it('fails with a different secret', () => {
    const headers = webhookHeaders({ id: 'm', timestamp: now(), body: '{}', secrets: [generateSecret()] })
    assert.throws(() => new Webhook(generateSecret()).verify('{}', headers))
  })

  it('carries one signature per secret so either side of a rotation verifies', () => {
    const oldSecret = generateSecret()
    const newSecret = generateSecret()
    const timestamp = now()
    const headers = webhookHeaders({ id: 'msg_5', timestamp, body: arabicBody, secrets: [oldSecret, newSecret] })
    const parts = headers['webhook-signature'].split(' ')
    assert.equal(parts.length, 2)
    for (const part of parts) assert.match(part, /^v1,[A-Za-z0-9+/]{43}=$/)
    assert.deepEqual(new Webhook(oldSecret).verify(arabicBody, headers), JSON.parse(arabicBody))
    assert.deepEqual(new Webhook(newSecret).verify(arabicBody, headers), JSON.parse(arabicBody))
    assert.equal(signatureHeader([oldSecret, newSecret], 'msg_5', timestamp, arabicBody), headers['webhook-signature'])
    assert.throws(() => signatureHeader([], 'msg_5', timestamp, arabicBody), /at least one/)
  })
})
