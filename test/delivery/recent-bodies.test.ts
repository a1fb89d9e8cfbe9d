// A fan-out's document is encoded once: the same bytes are signed and sent to every partner.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deliveryHeaders, recentBodies } from '../../src/delivery/deliver-stage.ts'
import type { ClaimedDelivery } from '../../src/storage/types.ts'

describe('recent bodies', () => {
  it('gives the UTF-8 bytes of a body, the same buffer each time it is asked again', () => {
    const bytesOf = recentBodies()
    const body = '<x>خبر عاجل</x>'
    const first = bytesOf(body)
    assert.deepEqual(first, Buffer.from(body, 'utf8'))
    assert.equal(bytesOf(`${body}`), first)
  })

  it('keeps only the last few', () => {
    const bytesOf = recentBodies(2)
    const a = bytesOf('a')
    bytesOf('b')
    bytesOf('c')
    assert.notEqual(bytesOf('a'), a, 'a was dropped and encoded again')
    assert.deepEqual(bytesOf('a'), a)
  })

  it('signs the bytes as it would sign the string', () => {
    const delivery = {
      webhookId: 'msg_0196f0c1-0000-7000-8000-000000000001',
      body: '<x>خبر</x>',
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      lang: 'en',
      event: 'new',
      sequence: 1,
      articleId: 'a',
      version: 1,
      replayedAt: null
    } as unknown as ClaimedDelivery
    assert.deepEqual(deliveryHeaders(delivery, 1_700_000_000, Buffer.from(delivery.body)), deliveryHeaders(delivery, 1_700_000_000))
  })
})
