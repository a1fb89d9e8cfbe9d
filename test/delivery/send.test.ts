import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { describe, it, type TestContext } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { createAddressPolicy } from '../../src/delivery/address-guard.ts'
import { createDeliveryAgent } from '../../src/delivery/agent.ts'
import { parseRetryAfter, sendWebhook } from '../../src/delivery/send.ts'
import { generateSecret, webhookHeaders } from '../../src/delivery/sign.ts'
import { closedPort, type Handler, startServer } from './local-server.ts'

const open = createAddressPolicy({ allowPrivateNetworks: true })

/** A loopback server plus an agent allowed to reach it, both closed when the test ends. */
async function setup (t: TestContext, handler: Handler) {
  const server = await startServer(handler)
  const agent = createDeliveryAgent({ policy: open })
  t.after(async () => {
    await agent.close()
    await server.close()
  })
  return { server, agent }
}

describe('sendWebhook outcomes', () => {
  it('delivers a signed Arabic body byte-for-byte and reports 2xx as ok', async (t) => {
    const { server, agent } = await setup(t, (_req, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' }).end('accepted')
    })
    const secret = generateSecret()
    const body = JSON.stringify({ headline: 'وزير الخارجية يصل إلى القاهرة' })
    const headers = webhookHeaders({ id: 'msg_send_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] })
    const result = await sendWebhook({ agent, url: `${server.url}/hooks?x=1`, body, contentType: 'application/json; charset=utf-8', headers })
    assert.equal(result.ok, true)
    assert.equal(result.statusCode, 202)
    assert.equal(result.responseExcerpt, 'accepted')
    assert.equal(result.truncated, false)
    assert.ok(result.durationMs >= 0)
    const [received] = server.requests
    assert.ok(received)
    assert.equal(received.method, 'POST')
    assert.equal(received.url, '/hooks?x=1')
    assert.equal(received.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(received.headers['content-length'], String(Buffer.byteLength(body)))
    assert.deepEqual(received.body, Buffer.from(body, 'utf8'))
    // What the partner would do: verify the raw received bytes with its own library.
    assert.deepEqual(new Webhook(secret).verify(received.body, received.headers as Record<string, string>), JSON.parse(body))
  })

  it('reports 500 as not ok with a response excerpt', async (t) => {
    const { agent, server } = await setup(t, (_req, res) => {
      res.writeHead(500).end('database on fire')
    })
    const result = await sendWebhook({ agent, url: server.url, body: '{}' })
    assert.equal(result.ok, false)
    assert.equal(result.statusCode, 500)
    assert.equal(result.responseExcerpt, 'database on fire')
    assert.equal(result.error, undefined)
  })

  it('does not follow a 302 redirect', async (t) => {
    const target = await setup(t, (_req, res) => res.end('should never be reached'))
    const { agent, server } = await setup(t, (_req, res) => {
      res.writeHead(302, { location: `${target.server.url}/elsewhere` }).end()
    })
    const result = await sendWebhook({ agent, url: server.url, body: '{}' })
    assert.equal(result.ok, false)
    assert.equal(result.statusCode, 302)
    assert.equal(server.requests.length, 1)
    assert.equal(target.server.connections(), 0)
    assert.equal(target.server.requests.length, 0)
  })

  it('parses Retry-After in seconds and as an HTTP date', async (t) => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString()
    const { agent, server } = await setup(t, (req, res) => {
      const value = req.url === '/seconds' ? '30' : inTwoMinutes
      res.writeHead(req.url === '/seconds' ? 429 : 503, { 'retry-after': value }).end()
    })
    const seconds = await sendWebhook({ agent, url: `${server.url}/seconds`, body: '{}' })
    assert.equal(seconds.statusCode, 429)
    assert.equal(seconds.retryAfterMs, 30_000)
    const dated = await sendWebhook({ agent, url: `${server.url}/date`, body: '{}' })
    assert.equal(dated.statusCode, 503)
    // HTTP dates have whole-second resolution, hence the window.
    assert.ok(dated.retryAfterMs !== undefined && dated.retryAfterMs > 115_000 && dated.retryAfterMs <= 120_000, String(dated.retryAfterMs))
  })

  it('reads at most maxResponseBytes of an endless response and keeps a 4 KiB excerpt', async (t) => {
    const chunk = Buffer.alloc(16 * 1024, 'a')
    const { agent, server } = await setup(t, (_req, res) => {
      res.writeHead(200)
      // Stream until the client hangs up: only the cap can end this response.
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump)
      }
      pump()
    })
    const result = await sendWebhook({ agent, url: server.url, body: '{}', maxResponseBytes: 100_000 })
    assert.equal(result.ok, true)
    assert.equal(result.truncated, true)
    assert.equal(result.responseBytes, 100_000)
    assert.equal(result.responseExcerpt, 'a'.repeat(4096))
  })

  it('cuts the excerpt on a character boundary', async (t) => {
    // Arabic letters take 2 UTF-8 bytes; the leading "x" makes byte 4096 fall inside a letter.
    const arabic = 'x' + 'خبر'.repeat(2000)
    const { agent, server } = await setup(t, (_req, res) => res.writeHead(400).end(arabic))
    const result = await sendWebhook({ agent, url: server.url, body: '{}' })
    assert.equal(result.truncated, false)
    assert.equal(result.responseBytes, Buffer.byteLength(arabic))
    const excerpt = result.responseExcerpt ?? ''
    assert.ok(!excerpt.includes('\uFFFD'))
    assert.ok(arabic.startsWith(excerpt))
    assert.equal(Buffer.byteLength(excerpt), 4095)
  })
})

describe('sendWebhook empty answers', () => {
  it('takes a 204 and an empty 200 as delivered, with nothing read', async (t) => {
    let answer = 204
    const { server, agent } = await setup(t, (_req, res) => {
      if (answer === 204) res.writeHead(204).end()
      else res.writeHead(200, { 'content-length': '0' }).end()
    })
    for (const status of [204, 200]) {
      answer = status
      const result = await sendWebhook({ agent, url: server.url, body: '{}' })
      assert.deepEqual([result.ok, result.statusCode, result.responseBytes, result.responseExcerpt, result.truncated], [true, status, 0, undefined, false])
    }
    assert.equal(server.requests.length, 2)
  })
})

describe('sendWebhook failures never throw', () => {
  it('times out a server that never answers within timeoutMs', async (t) => {
    const { agent, server } = await setup(t, () => {})
    const result = await sendWebhook({ agent, url: server.url, body: '{}', timeoutMs: 200 })
    assert.equal(result.ok, false)
    assert.equal(result.errorCode, 'TIMEOUT')
    assert.match(result.error ?? '', /within 200 ms/)
    assert.equal(result.statusCode, undefined)
    assert.ok(result.durationMs >= 150 && result.durationMs < 5000, String(result.durationMs))
    assert.equal(server.requests.length, 1)
  })

  it('times out a body that stalls after the headers, keeping the status', async (t) => {
    const { agent, server } = await setup(t, (_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
    })
    const result = await sendWebhook({ agent, url: server.url, body: '{}', timeoutMs: 200 })
    assert.equal(result.ok, false)
    assert.equal(result.statusCode, 200)
    assert.equal(result.errorCode, 'TIMEOUT')
  })

  it('is cut short by the shutdown signal, during the exchange or before it, as ABORTED', async (t) => {
    const { agent, server } = await setup(t, () => {})
    const shutdown = new AbortController()
    const pending = sendWebhook({ agent, url: server.url, body: '{}', timeoutMs: 10_000, signal: shutdown.signal })
    await waitFor(() => server.requests.length === 1)
    shutdown.abort()
    const cut = await pending
    assert.equal(cut.errorCode, 'ABORTED')
    assert.ok(cut.durationMs < 5_000, String(cut.durationMs))
    const before = await sendWebhook({ agent, url: server.url, body: '{}', timeoutMs: 10_000, signal: shutdown.signal })
    assert.equal(before.errorCode, 'ABORTED')
  })

  it('leaves nothing on the shutdown signal once an attempt is over', async (t) => {
    const { agent, server } = await setup(t, (_req, res) => { res.writeHead(204).end() })
    const shutdown = new AbortController()
    for (let i = 0; i < 20; i++) {
      const result = await sendWebhook({ agent, url: server.url, body: '{}', timeoutMs: 10_000, signal: shutdown.signal })
      assert.equal(result.statusCode, 204)
    }
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0)
  })

  it('returns ECONNREFUSED when nothing listens', async (t) => {
    const agent = createDeliveryAgent({ policy: open })
    t.after(() => agent.close())
    const port = await closedPort()
    const result = await sendWebhook({ agent, url: `http://127.0.0.1:${port}/`, body: '{}' })
    assert.equal(result.ok, false)
    assert.equal(result.errorCode, 'ECONNREFUSED')
    assert.match(result.error ?? '', /ECONNREFUSED/)
  })

  it('returns the address refusal of the agent', async (t) => {
    const server = await startServer((_req, res) => res.end())
    const agent = createDeliveryAgent({ policy: createAddressPolicy({ allowPrivateNetworks: false }) })
    t.after(async () => {
      await agent.close()
      await server.close()
    })
    const result = await sendWebhook({ agent, url: server.url, body: '{}' })
    assert.equal(result.ok, false)
    assert.equal(result.errorCode, 'ERR_NASHRA_ADDRESS_REFUSED')
    assert.match(result.error ?? '', /127\.0\.0\.1 refused: loopback/)
    assert.equal(server.connections(), 0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  it('handles seconds, dates, past dates and junk', () => {
    assert.equal(parseRetryAfter('0', now), 0)
    assert.equal(parseRetryAfter(' 5 ', now), 5000)
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now), 60_000)
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0)
    assert.equal(parseRetryAfter(['7', '9'], now), 7000)
    for (const junk of [undefined, '', '-5', '1.5', 'soon', '10 seconds']) {
      assert.equal(parseRetryAfter(junk, now), undefined, String(junk))
    }
  })
})

/** Polls until the condition holds, for at most 5 s. */
async function waitFor (condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s')
    await new Promise((resolve) => setImmediate(resolve))
  }
}
