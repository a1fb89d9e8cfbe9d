// A pipeline context for unit tests of the stages: real storage (SQLite `:memory:`, migrations
// applied), a clock the test moves by hand, a scripted translation engine, and the config's
// defaults for everything a test does not set. Webhooks go to whatever Dispatcher the test passes
// (an undici MockAgent), so nothing leaves the process.
import { afterEach, beforeEach } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { ArticleContent } from '../../src/articles/types.ts'
import { type DeliveryConfig, loadConfig, type TranslationThroughput } from '../../src/config.ts'
import { createFeedNotifier } from '../../src/delivery/feed-notifier.ts'
import { createRateLimiter } from '../../src/delivery/rate-limit.ts'
import type { PipelineContext, PipelineObserver } from '../../src/pipeline/context.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage, SubscriberWithSecret } from '../../src/storage/types.ts'
import type { EngineHealth, TranslateRequest, TranslateResult, TranslationProvider } from '../../src/translation/types.ts'

/** 2026-03-01T09:00:00Z plus s seconds. */
export const at = (s: number): string => new Date(Date.UTC(2026, 2, 1, 9, 0, 0) + s * 1000).toISOString()

export const story = (extra: Partial<ArticleContent> = {}): ArticleContent =>
  ({ headline: 'عنوان الخبر', paragraphs: ['الفقرة الأولى.', 'الفقرة الثانية.'], language: 'ar', ...extra })

export function subscriber (id: string, extra: Partial<SubscriberWithSecret> = {}): SubscriberWithSecret {
  return {
    id,
    name: id,
    mode: 'push',
    url: `http://partner.test/${id}`,
    format: 'ninjs',
    languages: ['en'],
    filters: {},
    active: true,
    disabledReason: null,
    createdAt: at(0),
    updatedAt: at(0),
    secret: `whsec_${Buffer.from(`a 32-byte test secret for ${id}`.padEnd(32, '.')).toString('base64')}`,
    ...extra
  }
}

export interface Clock {
  now(): Date
  /** Moves the clock to `iso`. */
  set(iso: string): void
  advance(ms: number): void
}

export function manualClock (start = at(0)): Clock {
  let t = Date.parse(start)
  return {
    now: () => new Date(t),
    set (iso) { t = Date.parse(iso) },
    advance (ms) { t += ms }
  }
}

export interface FakeEngine extends TranslationProvider {
  /** Every request received, failed ones included. */
  readonly calls: TranslateRequest[]
  /** Throw from it to fail a call; replaced by tests between runs. */
  fail: ((request: TranslateRequest) => void) | undefined
  /** When set, the engine says it is cooling down until then (ms since epoch), like an open breaker. */
  blockedUntil: number | undefined
}

/** Translates "text" into "[lang] text"; fails when told to. */
export function fakeEngine (): FakeEngine {
  const engine: FakeEngine = {
    engine: 'fake',
    scope: 'fake|v1',
    model: 'fake/model',
    calls: [],
    fail: undefined,
    blockedUntil: undefined,
    health: {
      blockedUntil: (now) => engine.blockedUntil !== undefined && engine.blockedUntil > now ? engine.blockedUntil : undefined,
      onProbation: () => engine.blockedUntil !== undefined
    } satisfies EngineHealth,
    async translate (request): Promise<TranslateResult> {
      engine.calls.push({ ...request, contents: [...request.contents] })
      engine.fail?.(request)
      return {
        translations: request.contents.map((text) => `[${request.targetLanguage}] ${text}`),
        model: 'fake/model',
        charsSent: request.contents.reduce((n, text) => n + [...text].length, 0),
        requests: 1
      }
    },
    async close () {}
  }
  return engine
}

function silentLogger (): FastifyBaseLogger {
  const noop = (): void => {}
  const log = { level: 'silent', fatal: noop, error: noop, warn: noop, info: noop, debug: noop, trace: noop, silent: noop, child: () => log }
  return log as unknown as FastifyBaseLogger
}

export interface ContextOptions {
  agent?: Dispatcher
  throughput?: Partial<TranslationThroughput>
  delivery?: Partial<DeliveryConfig>
  observer?: PipelineObserver
  /** The context's logger; a silent one by default. */
  log?: FastifyBaseLogger
}

export interface StageTest {
  readonly storage: Storage
  readonly clock: Clock
  readonly engine: FakeEngine
  /** A context on this test's storage, clock and engine; the config's defaults where not given. */
  context(options?: ContextOptions): PipelineContext
}

/**
 * Registers hooks that give each test of the suite its own migrated `:memory:` storage, a clock
 * at at(0) and a fresh engine; the storage is closed after the test.
 */
export function stageTest (): StageTest {
  const defaults = loadConfig({})
  let current: { storage: Storage; clock: Clock; engine: FakeEngine } | undefined
  beforeEach(async () => {
    const storage = openSqliteStorage(':memory:')
    await storage.migrate()
    current = { storage, clock: manualClock(), engine: fakeEngine() }
  })
  afterEach(async () => {
    await current?.storage.close()
    current = undefined
  })
  const get = (): NonNullable<typeof current> => {
    if (current === undefined) throw new Error('used outside a test (before its beforeEach hook ran)')
    return current
  }
  return {
    get storage () { return get().storage },
    get clock () { return get().clock },
    get engine () { return get().engine },
    context (options = {}) {
      const { storage, clock, engine } = get()
      return {
        storage,
        translator: engine,
        agent: options.agent ?? ({} as Dispatcher),
        log: options.log ?? silentLogger(),
        now: clock.now,
        providerName: 'Nashra test',
        leaseMs: defaults.leaseMs,
        delivery: { ...defaults.delivery, ...options.delivery },
        throughput: { ...defaults.throughput, ...options.throughput },
        feed: createFeedNotifier(),
        rateLimiter: createRateLimiter(defaults.delivery.ratePerSecond),
        ...(options.observer === undefined ? {} : { observer: options.observer })
      }
    }
  }
}
