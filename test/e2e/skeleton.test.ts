// The whole path on real sockets: an Arabic article posted over HTTP to a listening server, the
// real Google client translating through the project's emulator, and a signed NewsML-G2 item
// arriving at a partner endpoint, verified with the standardwebhooks package and IPTC's schema.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import type { Emulator } from '../../src/translation/emulator/server.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { conformanceValidator, validateContents } from '../helpers/conformance.ts'
import { type Sink, startSink } from '../helpers/sink.ts'
import { type Stack, startStack } from '../helpers/stack.ts'

describe('walking skeleton, end to end', () => {
  let stack: Stack
  let sink: Sink
  let emulator: Emulator

  before(async () => {
    stack = await startStack({ DELIVERY_RETRY_SCHEDULE: '200ms,500ms,1s' })
    emulator = stack.emulator
    sink = await startSink()
  })

  after(async () => {
    await stack.close()
    await sink.close()
  })

  const api = (method: string, path: string, body?: unknown) => stack.api(method, path, body)

  it('delivers a signed, schema-valid NewsML-G2 item to a subscriber', async () => {
    const sub = await api('POST', '/v1/subscribers', { name: 'Partner Wire', url: sink.url, format: 'newsml-g2', languages: ['en'] })
    assert.equal(sub.status, 201, sub.text)
    const { secret, id: subscriberId } = JSON.parse(sub.text)
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)

    const posted = await api('POST', '/v1/articles', summitPost)
    assert.equal(posted.status, 202, posted.text)
    const { id } = JSON.parse(posted.text)

    const [delivery] = await sink.waitFor(1)
    assert.ok(delivery)
    assert.equal(delivery.headers['content-type'], 'application/vnd.iptc.g2.newsitem+xml')
    // Throws unless the signature, id and timestamp check out.
    new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>, { jsonParse: false })
    assert.match(String(delivery.headers['webhook-id']), /^msg_/)
    assert.match(delivery.body, /<newsItem [^>]*standardversion="2\.35"/)
    assert.match(delivery.body, /xml:lang="ar" dir="rtl"[^>]*>قادة المنظمة/)
    assert.match(delivery.body, /250/, 'numbers survive translation')

    // One translateText request carried headline, paragraphs, byline and dateline.
    const calls = emulator.requests.filter((r) => r.path.endsWith(':translateText'))
    assert.equal(calls.length, 1)
    const sent = calls[0]!.body as { contents: string[]; sourceLanguageCode: string; targetLanguageCode: string; mimeType: string }
    assert.equal(sent.sourceLanguageCode, 'ar')
    assert.equal(sent.targetLanguageCode, 'en')
    assert.equal(sent.mimeType, 'text/plain')
    assert.equal(sent.contents.length, 1 + 3 + 2)

    const view = await eventually(async () => {
      const v = JSON.parse((await api('GET', `/v1/articles/${id}`)).text)
      return v.deliveries[0]?.status === 'delivered' ? v : undefined
    }, 10_000, 'delivery recorded')
    assert.equal(view.status, 'distributed')
    assert.equal(view.version, 1)
    assert.equal(view.translations.en.body.length, 3)
    assert.equal(view.deliveries[0].subscriberId, subscriberId)
    assert.equal(view.deliveries[0].lastStatusCode, 204)

    const rendition = await api('GET', `/v1/articles/${id}/renditions/newsml-g2?lang=en`)
    assert.equal(rendition.status, 200)
    assert.equal(rendition.type, 'application/vnd.iptc.g2.newsitem+xml')
    assert.equal(rendition.text, delivery.body, 'the rendition is the delivered document')

    if (conformanceValidator() === null) return
    const result = await validateContents({ 'delivered.xml': delivery.body })
    assert.ok(result.ok, result.output)
  })

  it('retries a failed delivery under the same webhook-id', async () => {
    const retrySink = await startSink()
    try {
      retrySink.respond((index) => (index === 0 ? 503 : 200))
      const sub = JSON.parse((await api('POST', '/v1/subscribers', { name: 'Flaky', url: retrySink.url, format: 'newsml-g2', languages: ['en'] })).text)
      assert.ok(sub.id)
      await api('POST', '/v1/articles', { ...summitPost, guid: 'urn:test:retry' })
      const [first, second] = await retrySink.waitFor(2)
      assert.equal(first!.headers['webhook-id'], second!.headers['webhook-id'])
      assert.equal(first!.body, second!.body)
      new Webhook(sub.secret).verify(second!.body, second!.headers as Record<string, string>, { jsonParse: false })
    } finally {
      await retrySink.close()
    }
  })

  it('refuses a subscriber URL that is not http(s)', async () => {
    const res = await api('POST', '/v1/subscribers', { name: 'x', url: 'ftp://127.0.0.1/', format: 'newsml-g2', languages: ['en'] })
    assert.equal(res.status, 400)
    assert.equal(JSON.parse(res.text)['invalid-params'][0].name, '/body/url')
  })
})
