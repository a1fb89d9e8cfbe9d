// A full service for end-to-end tests: the app on a real loopback port, translating through the
// real Google client and the project's emulator, with a tiny HTTP client for its API.
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { ADMIN_KEY, tempDir, testConfig } from './app.ts'

export interface ApiResponse {
  status: number
  type: string | null
  text: string
  json: any
}

export interface Stack {
  app: FastifyInstance
  emulator: Emulator
  base: string
  dir: string
  api(method: string, path: string, body?: unknown, key?: string): Promise<ApiResponse>
  close(): Promise<void>
}

export async function startStack (env: Record<string, string> = {}): Promise<Stack> {
  const tmp = await tempDir()
  const emulator = await startEmulator()
  const app = await buildApp(testConfig(tmp.dir, { TRANSLATE_API_ENDPOINT: emulator.url.origin, ...env }), { logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address !== null && typeof address === 'object')
  const base = `http://127.0.0.1:${address.port}`
  return {
    app,
    emulator,
    base,
    dir: tmp.dir,
    async api (method, path, body, key = ADMIN_KEY) {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await res.text()
      let json: unknown = null
      try { json = JSON.parse(text) } catch {}
      return { status: res.status, type: res.headers.get('content-type'), text, json }
    },
    async close () {
      await app.close()
      await emulator.close()
      await tmp.remove()
    }
  }
}
