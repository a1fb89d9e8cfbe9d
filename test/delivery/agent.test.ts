// Connect-time refusal is exercised ONLY against loopback (127.0.0.1, 127.0.0.2, ::1) and the
// name `localhost`; scripted lookups answer with loopback addresses too, so no packet can leave.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { createServer as createTlsServer } from 'node:tls'
import { type Dispatcher, request } from 'undici'
import { createAddressPolicy } from '../../src/delivery/address-guard.ts'
import { ADDRESS_REFUSED, AddressRefusedError, createDeliveryAgent } from '../../src/delivery/agent.ts'
import type { LookupAll } from '../../src/hosts.ts'
import { type LocalServer, startServer } from './local-server.ts'

const strict = createAddressPolicy({ allowPrivateNetworks: false })
const open = createAddressPolicy({ allowPrivateNetworks: true })

const ok = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.end('ok')
}

async function post (agent: Dispatcher, url: string) {
  const res = await request(url, { dispatcher: agent, method: 'POST', body: '{}' })
  const text = await res.body.text()
  return { statusCode: res.statusCode, text }
}

async function assertRefused (agent: Dispatcher, url: string, server: LocalServer, address: RegExp) {
  await assert.rejects(post(agent, url), (err: unknown) => {
    assert.ok(err instanceof AddressRefusedError, `expected AddressRefusedError, got ${String(err)}`)
    assert.equal(err.code, ADDRESS_REFUSED)
    assert.match(err.address, address)
    assert.match(err.message, /refused: loopback$/)
    assert.equal(err.reason, 'loopback')
    return true
  })
  // The guard acts before connect(): the server must not even have seen a TCP connection.
  assert.equal(server.connections(), 0)
  assert.equal(server.requests.length, 0)
}

describe('createDeliveryAgent refuses loopback without private networks', () => {
  it('refuses the IP literal 127.0.0.1', async (t) => {
    const server = await startServer(ok)
    const agent = createDeliveryAgent({ policy: strict })
    t.after(async () => { await agent.close(); await server.close() })
    await assertRefused(agent, `${server.url}/hook`, server, /^127\.0\.0\.1$/)
    await assert.rejects(post(agent, `${server.url}/hook`), /127\.0\.0\.1 refused: loopback/)
  })

  it('refuses the IP literal ::1', async (t) => {
    const server = await startServer(ok, '::1')
    const agent = createDeliveryAgent({ policy: strict })
    t.after(async () => { await agent.close(); await server.close() })
    await assertRefused(agent, `${server.url}/hook`, server, /^::1$/)
  })

  it('refuses the name localhost after resolving it', async (t) => {
    const server = await startServer(ok)
    const agent = createDeliveryAgent({ policy: strict })
    t.after(async () => { await agent.close(); await server.close() })
    await assertRefused(agent, `http://localhost:${server.port}/hook`, server, /^(127\.0\.0\.1|::1)$/)
    await assert.rejects(post(agent, `http://localhost:${server.port}/`), /resolved from localhost/)
  })

  it('refuses a name when any of its addresses is refused', async (t) => {
    const server = await startServer(ok)
    const lookup: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }, { address: '127.0.0.2', family: 4 }]
    const policy = createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: ['127.0.0.1/32'] })
    const agent = createDeliveryAgent({ policy, lookup })
    t.after(async () => { await agent.close(); await server.close() })
    await assertRefused(agent, `http://localhost:${server.port}/`, server, /^127\.0\.0\.2$/)
  })
})

describe('createDeliveryAgent allows loopback when configured', () => {
  it('connects to 127.0.0.1, ::1 and localhost with allowPrivateNetworks', async (t) => {
    const v4 = await startServer(ok)
    const v6 = await startServer(ok, '::1')
    const agent = createDeliveryAgent({ policy: open })
    t.after(async () => { await agent.close(); await v4.close(); await v6.close() })
    assert.deepEqual(await post(agent, `${v4.url}/a`), { statusCode: 200, text: 'ok' })
    assert.deepEqual(await post(agent, `${v6.url}/b`), { statusCode: 200, text: 'ok' })
    assert.deepEqual(await post(agent, `http://localhost:${v4.port}/c`), { statusCode: 200, text: 'ok' })
    assert.deepEqual(v4.requests.map((r) => r.url), ['/a', '/c'])
    assert.deepEqual(v6.requests.map((r) => r.url), ['/b'])
  })

  it('connects to 127.0.0.1 inside allowCidrs, still refusing ::1 outside them', async (t) => {
    const v4 = await startServer(ok)
    const v6 = await startServer(ok, '::1')
    const policy = createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: ['127.0.0.0/8'] })
    const agent = createDeliveryAgent({ policy })
    t.after(async () => { await agent.close(); await v4.close(); await v6.close() })
    assert.deepEqual(await post(agent, `${v4.url}/`), { statusCode: 200, text: 'ok' })
    assert.equal(v4.requests.length, 1)
    await assertRefused(agent, `${v6.url}/`, v6, /^::1$/)
  })

  it('falls back through the checked addresses in resolver order', async (t) => {
    // Nothing listens on 127.0.0.2 at this port, so the first attempt is refused by the kernel.
    const server = await startServer(ok)
    const lookup: LookupAll = async () => [{ address: '127.0.0.2', family: 4 }, { address: '127.0.0.1', family: 4 }]
    const agent = createDeliveryAgent({ policy: open, lookup })
    t.after(async () => { await agent.close(); await server.close() })
    assert.deepEqual(await post(agent, `http://localhost:${server.port}/`), { statusCode: 200, text: 'ok' })
  })
})

describe('createDeliveryAgent connection details', () => {
  it('passes lookup failures through and bounds a hanging lookup by connectTimeoutMs', async (t) => {
    const failing = createDeliveryAgent({
      policy: open,
      lookup: async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND localhost'), { code: 'ENOTFOUND' }) },
    })
    const hanging = createDeliveryAgent({ policy: open, connectTimeoutMs: 100, lookup: () => new Promise(() => {}) })
    t.after(async () => { await failing.close(); await hanging.close() })
    await assert.rejects(post(failing, 'http://localhost:9/'), { code: 'ENOTFOUND' })
    await assert.rejects(post(hanging, 'http://localhost:9/'), { code: 'ETIMEDOUT', message: /DNS lookup of localhost timed out after 100 ms/ })
  })

  it('keeps the host name for TLS SNI while connecting to the checked IP', async (t) => {
    const seen: string[] = []
    // No certificate: the handshake fails right after the ClientHello, which is all we inspect.
    const server = createTlsServer({
      SNICallback: (name, cb) => {
        seen.push(name)
        cb(new Error('test server has no certificate'))
      },
    })
    server.on('tlsClientError', () => {})
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const lookup: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }]
    const agent = createDeliveryAgent({ policy: open, lookup })
    t.after(async () => {
      await agent.close()
      server.close()
      await once(server, 'close')
    })
    await assert.rejects(post(agent, `https://localhost:${port}/`))
    assert.deepEqual(seen, ['localhost'])
  })
})
