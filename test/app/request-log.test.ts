// Each request is logged once, when it is answered: method, URL, status and time, with its id.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { ADMIN_KEY, tempDir, testConfig } from '../helpers/app.ts'
import { captureLogs, type LogCapture } from '../helpers/logs.ts'

describe('request log', () => {
  let app: FastifyInstance
  let logs: LogCapture
  let remove: () => Promise<void>

  before(async () => {
    const dir = await tempDir()
    remove = dir.remove
    logs = captureLogs()
    app = await buildApp(testConfig(dir.dir, { LOG_LEVEL: 'info' }), { logger: true, logStream: logs.stream, startWorkers: false })
  })
  after(async () => {
    await app.close()
    await remove()
  })

  it('writes one line per request, answered or refused, and none on arrival', async () => {
    const ok = await app.inject({ method: 'GET', url: '/v1/subscribers', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    assert.equal(ok.statusCode, 200)
    const refused = await app.inject({ method: 'GET', url: '/v1/subscribers?x=1' })
    assert.equal(refused.statusCode, 401)
    const lines = logs.entries().filter((e) => typeof e['reqId'] === 'string' && e['url'] !== undefined)
    assert.deepEqual(lines.map((e) => [e['msg'], e['method'], e['url'], e['statusCode']]), [
      ['request completed', 'GET', '/v1/subscribers', 200],
      ['request completed', 'GET', '/v1/subscribers?x=1', 401]
    ])
    assert.ok(lines.every((e) => typeof e['responseTime'] === 'number'))
    assert.equal(logs.entries().filter((e) => e['msg'] === 'incoming request').length, 0)
    assert.doesNotMatch(logs.text(), new RegExp(ADMIN_KEY))
  })
})
