// No secret reaches the log, at any level: the service runs at LOG_LEVEL=trace on a real port,
// every kind of key and a webhook secret are created and used (well-formed requests, requests
// the HTTP parser refuses, invalid JSON, wrong roles, a delivery signed and sent, a rotation),
// then all log output is decoded (strings, byte arrays, serialised Buffers, base64 and hex
// runs) and searched for each secret.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import type { TranslationProvider } from '../../src/translation/types.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, eventually, tempDir, testConfig } from '../helpers/app.ts'
import { captureLogs, type LogCapture } from '../helpers/logs.ts'
import { rawExchange } from '../helpers/raw-http.ts'
import { type Sink, startSink } from '../helpers/sink.ts'

/** Every readable rendering of a log value: the text itself and whatever bytes it may encode. */
export function decodedTexts (value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value)
    for (const run of value.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) out.push(Buffer.from(run, 'base64').toString('latin1'))
    for (const run of value.match(/(?:[0-9a-fA-F]{2}){8,}/g) ?? []) out.push(Buffer.from(run, 'hex').toString('latin1'))
  } else if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'number' && v >= 0 && v <= 255)) out.push(Buffer.from(value as number[]).toString('latin1'))
    for (const v of value) decodedTexts(v, out)
  } else if (value !== null && typeof value === 'object') {
    // Integer-keyed objects are how a Uint8Array looks once JSON-serialised.
    const entries = Object.entries(value)
    if (entries.length > 0 && entries.every(([k, v]) => /^\d+$/.test(k) && typeof v === 'number')) {
      out.push(Buffer.from(entries.map(([, v]) => v as number)).toString('latin1'))
    }
    for (const [key, v] of entries) {
      out.push(key)
      decodedTexts(v, out)
    }
  }
  return out
}

/** Where a secret shows up in the decoded log, or null. */
function findSecret (logs: LogCapture, secret: string): string | null {
  const needles = [secret, secret.replace(/^whsec_/, '')]
  for (const entry of logs.entries()) {
    for (const text of decodedTexts(entry)) {
      if (needles.some((n) => text.includes(n))) return JSON.stringify(entry).slice(0, 400)
    }
  }
  // Lines that are not JSON (should be none) are searched as raw text.
  return needles.some((n) => logs.text().includes(n)) ? 'raw log text' : null
}

describe('secrets never reach the log (LOG_LEVEL=trace)', () => {
  let app: FastifyInstance
  let translator: TranslationProvider
  let sink: Sink
  let remove: () => Promise<void>
  let port: number
  const logs = captureLogs()
  const secrets: Record<string, string> = { 'admin key': ADMIN_KEY }

  before(async () => {
    const tmp = await tempDir()
    remove = tmp.remove
    sink = await startSink()
    translator = createFakeEngine()
    app = await buildApp(testConfig(tmp.dir, { LOG_LEVEL: 'trace' }), { logger: true, logStream: logs.stream, translator })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as { port: number }).port
  })
  after(async () => {
    await app.close()
    await translator.close()
    await sink.close()
    await remove()
  })

  const api = async (method: string, path: string, body?: unknown, key = ADMIN_KEY) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    })
    return { status: res.status, json: await res.json().catch(() => null) as any }
  }

  it('the decoder finds a secret hidden as bytes, base64 or hex (the search can fail)', () => {
    const secret = 'nsk_control_secret_0123456789'
    for (const hidden of [
      [...Buffer.from(`Authorization: Bearer ${secret}`)],
      Buffer.from(`Bearer ${secret}`).toString('base64'),
      Buffer.from(secret).toString('hex'),
      { ...Uint8Array.from(Buffer.from(secret)) }
    ]) {
      assert.ok(decodedTexts({ err: { rawPacket: hidden } }).some((t) => t.includes(secret)), JSON.stringify(hidden).slice(0, 80))
    }
  })

  it('logs none of the keys and secrets created and used in a run', async () => {
    const editor = await api('POST', '/v1/keys', { role: 'editor', label: 'CMS' })
    assert.equal(editor.status, 201)
    secrets['editor key'] = editor.json.key
    const push = await api('POST', '/v1/subscribers', { name: 'Partner', url: sink.url, languages: ['en'] })
    assert.equal(push.status, 201)
    secrets['webhook secret'] = push.json.secret
    const pull = await api('POST', '/v1/subscribers', { name: 'Feed', mode: 'pull', languages: ['en'] })
    const feedKey = await api('POST', '/v1/keys', { role: 'subscriber', label: 'feed', subscriberId: pull.json.id })
    secrets['subscriber key'] = feedKey.json.key
    secrets['pull subscriber secret'] = pull.json.secret

    // Ordinary use of every key, and a delivery signed with the secret.
    assert.equal((await api('POST', '/v1/articles', summitPost, secrets['editor key'])).status, 202)
    await sink.waitFor(1)
    assert.equal((await api('GET', '/v1/feed?wait=0', undefined, secrets['subscriber key'])).status, 200)
    const rotated = await api('POST', `/v1/subscribers/${push.json.id}/rotate-secret`)
    secrets['rotated secret'] = rotated.json.secret
    // Refusals: wrong role, invalid JSON, schema errors, unknown route, all with a key attached.
    assert.equal((await api('GET', '/v1/subscribers', undefined, secrets['editor key'])).status, 403)
    assert.equal((await api('POST', '/v1/articles', '{"headline": ', secrets['editor key'])).status, 400)
    assert.equal((await api('POST', '/v1/keys', { role: ['admin'], label: 'x' })).status, 400)
    assert.equal((await api('GET', '/v1/nowhere', undefined, secrets['subscriber key'])).status, 404)
    // Requests the HTTP parser refuses, each carrying a key in its headers.
    for (const key of Object.values(secrets).filter((s) => !s.startsWith('whsec_'))) {
      const head = `POST /v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n`
      for (const bytes of [
        `${head}Bad Header: 1\r\n\r\n`,
        `${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        `${head}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        `${head}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        `GARBAGE\u0000 ${key}\r\n${head}\r\n`
      ]) {
        const res = await rawExchange(port, Buffer.from(bytes, 'latin1'))
        assert.ok(res.status !== null && res.status >= 400 && res.status < 500, `answered ${res.status}`)
      }
    }
    // The trace-level log really ran: parser refusals and requests were logged.
    await eventually(async () => (logs.entries().some((e) => e.msg === 'client error: request refused by the HTTP parser') ? true : undefined), 5000, 'parser refusals in the log')
    assert.equal(app.log.level, 'trace')
    assert.ok(logs.entries().some((e) => e.level === 20), 'debug entries were written')

    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(findSecret(logs, secret), null, `the ${what} appears in the log`)
    }
  })
})
