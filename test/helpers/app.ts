// Builds a real app for tests: its own temporary SQLite file, a known admin key, the fake
// pseudo-translating engine unless a test brings another. Everything is closed by the returned cleanup.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type BuildOptions, buildApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef'

export async function tempDir (prefix = 'nashra-test-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export function testConfig (dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_PATH: path.join(dir, 'nashra.db'),
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: 'http://127.0.0.1:9', // never called when a test injects a translator
    LOG_LEVEL: 'silent',
    // Seven test files share two cores: a lagging event loop is expected here, not overload.
    // test/app/limits.test.ts turns shedding on to test it.
    MAX_EVENT_LOOP_DELAY: 'off',
    ...env
  })
}

export interface TestApp {
  app: FastifyInstance
  config: Config
  dir: string
  close(): Promise<void>
}

export interface TestAppOptions extends BuildOptions {
  env?: Record<string, string>
  /** Translation retry settings no environment variable reaches (config.ts), e.g. a shorter back-off. */
  throughput?: Partial<Config['throughput']>
}

export async function buildTestApp (options: TestAppOptions = {}): Promise<TestApp> {
  const tmp = await tempDir()
  const loaded = testConfig(tmp.dir, options.env)
  const config = { ...loaded, throughput: { ...loaded.throughput, ...options.throughput } }
  const { env: _env, throughput: _throughput, ...buildOptions } = options
  const translator = options.translator ?? createFakeEngine()
  const app = await buildApp(config, { logger: false, ...buildOptions, translator })
  return {
    app,
    config,
    dir: tmp.dir,
    async close () {
      await app.close()
      if (options.translator === undefined) await translator.close()
      await tmp.remove()
    }
  }
}

export const auth = (key = ADMIN_KEY): Record<string, string> => ({ authorization: `Bearer ${key}` })

/** Polls fn until it returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T> (fn: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await fn()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`)
}
