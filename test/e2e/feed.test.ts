// The pull feed on a real port: subscriber-scoped keys, the same items and sequence numbers as
// push, and a long-poll that returns as soon as something new exists.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { startSink } from '../helpers/sink.ts'
import { startStack } from '../helpers/stack.ts'

describe('pull feed', () => {
  it('wakes a long-poll on a new item, with the push documents and sequence numbers', async () => {
    const stack = await startStack()
    const sink = await startSink()
    try {
      const pull = await stack.api('POST', '/v1/subscribers', { name: 'No endpoint', mode: 'pull', languages: ['en'] })
      assert.equal(pull.status, 201, pull.text)
      assert.equal(pull.json.url, null)
      const push = await stack.api('POST', '/v1/subscribers', { name: 'Pusher', url: sink.url, languages: ['en'] })
      const key = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'partner', subscriberId: pull.json.id })).json.key
      const pushKey = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'p2', subscriberId: push.json.id })).json.key

      // Subscriber keys read feeds and nothing else; other keys cannot read feeds.
      assert.equal((await stack.api('POST', '/v1/articles', summitPost, key)).status, 403)
      assert.equal((await stack.api('GET', '/v1/feed')).status, 403)
      assert.equal((await stack.api('GET', '/v1/feed?wait=31', undefined, key)).status, 400)

      const empty = await stack.api('GET', '/v1/feed', undefined, key)
      assert.deepEqual(empty.json, { items: [], next: 0 })

      const started = Date.now()
      const polling = stack.api('GET', '/v1/feed?after=0&wait=30', undefined, key)
      // The poll is waiting on the server before the story exists.
      await eventually(async () => (stack.app.feed.waiting() > 0 ? true : undefined), 5000, 'the poll to wait')
      const posted = await stack.api('POST', '/v1/articles', summitPost)
      const woke = await polling
      assert.equal(woke.status, 200, woke.text)
      assert.ok(Date.now() - started < 25_000, 'returned long before the 30 s wait ran out')
      assert.equal(woke.json.items.length, 1)
      const item = woke.json.items[0]
      assert.deepEqual([item.sequence, item.event, item.articleId, item.version, item.lang], [1, 'new', posted.json.id, 1, 'en'])
      assert.match(item.body, /<newsItem /)
      assert.equal(woke.json.next, 1)
      assert.deepEqual((await stack.api('GET', '/v1/feed?after=1', undefined, key)).json.items, [])

      // A push subscriber's feed holds exactly what was pushed.
      const [pushed] = await sink.waitFor(1)
      const pushFeed = await eventually(async () => {
        const f = (await stack.api('GET', '/v1/feed', undefined, pushKey)).json
        return f.items.length === 1 ? f : undefined
      }, 5000, 'the pushed item in the feed')
      assert.equal(pushFeed.items[0].webhookId, pushed!.headers['webhook-id'])
      assert.equal(pushFeed.items[0].body, pushed!.body)
      assert.equal(String(pushFeed.items[0].sequence), pushed!.headers['x-nashra-sequence'])
      // Nothing was pushed for the pull subscriber.
      assert.equal(sink.received.length, 1)
    } finally {
      await stack.close()
      await sink.close()
    }
  })

  it('ends a waiting long-poll when the service shuts down', async () => {
    const stack = await startStack()
    const pull = await stack.api('POST', '/v1/subscribers', { name: 'P', mode: 'pull', languages: ['en'] })
    const key = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'k', subscriberId: pull.json.id })).json.key
    const started = Date.now()
    const polling = stack.api('GET', '/v1/feed?wait=30', undefined, key)
    await eventually(async () => (stack.app.feed.waiting() > 0 ? true : undefined), 5000, 'the poll to wait')
    await stack.close()
    const res = await polling.catch((err: Error) => ({ status: 0, error: err }))
    assert.ok(Date.now() - started < 10_000, 'shutdown did not wait for the long-poll to run out')
    assert.ok(res.status === 200 || res.status === 0)
  })
})
