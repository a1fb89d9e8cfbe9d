// Builds the Fastify app from a config object: storage, translation engine, delivery agent,
// pipeline and routes. No module-level singletons: two apps can live in one process (tests do).
import type { Socket } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autoload from '@fastify/autoload'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, LogController, type RouteOptions } from 'fastify'
import { bootstrapAdminKey } from './auth/api-keys.ts'
import type { Config } from './config.ts'
import { createAddressPolicy } from './delivery/address-guard.ts'
import { createDeliveryAgent } from './delivery/agent.ts'
import { createFeedNotifier } from './delivery/feed-notifier.ts'
import { createRateLimiter } from './delivery/rate-limit.ts'
import authPlugin from './http/auth.ts'
import corePlugin from './http/core.ts'
import { answerConnect, clientErrorHandler } from './http/client-error.ts'
import { registerLimits } from './http/limits.ts'
import { loggerOptions } from './http/logging.ts'
import observabilityPlugin from './http/observability.ts'
import { registerOpenApi } from './http/openapi.ts'
import { refuseUnreadBodies, refuseUnreadQueries } from './http/unread-input.ts'
import { frameworkErrorHandler, installProblemHandlers } from './http/problem.ts'
import { createValidatorCompiler } from './http/validation.ts'
import { createMetrics } from './metrics/registry.ts'
import { instrumentTranslator } from './metrics/translator.ts'
import { type CpuPoolOptions, createCpuPool } from './pipeline/cpu-worker.ts'
import { createPipeline } from './pipeline/runner.ts'
import { billed, createPacer } from './pipeline/pacer.ts'
import { openSqliteStorage } from './storage/sqlite.ts'
import type { Storage } from './storage/types.ts'
import { classifyStorageError, guardStorage } from './storage/unavailable.ts'
import { withEngineLimits } from './translation/engine-limits.ts'
import { translatorFromConfig } from './translation/from-config.ts'
import type { ResilientProvider } from './translation/resilient.ts'
import type { TranslationProvider } from './translation/types.ts'

const ROUTES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'routes')

export interface BuildOptions {
  /** Used as given and left open on close (the caller owns it); else opened from config. */
  storage?: Storage
  /** Used as given and left open on close; else chosen from config. */
  translator?: TranslationProvider
  now?: () => Date
  /**
   * When the pipeline starts: true (default) when the app is ready, 'after-listen' once the
   * server is listening (the service: a poison story must never keep /health from answering),
   * false never (route tests that only look at the API).
   */
  startWorkers?: boolean | 'after-listen'
  /** Receives a generated first admin key, to show it once. */
  onAdminKeyGenerated?: (key: string) => void
  logger?: boolean
  /** Told about every route as it is registered (the OpenAPI test checks each is documented). */
  onRoute?: (route: RouteOptions) => void
  /** Size, heap and job timeout of the CPU worker pool; its defaults when absent. */
  cpu?: CpuPoolOptions
  /** Where log lines go instead of stdout (tests read them back). */
  logStream?: NodeJS.WritableStream
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel, options.logStream),
    // One line per request, written when it is answered (http/observability.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    // Idle sockets, slow senders and idle keep-alive connections are cut (HTTP_*_TIMEOUT).
    connectionTimeout: config.http.connectionTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    http: {
      // A missing Host is answered as a problem by our own check (http/problem.ts), not Node's bare 400.
      requireHostHeader: false,
      // Node looks for requests over requestTimeout every 30 s by default; a slow sender would hold
      // its socket up to that long past the timeout. Checked four times per timeout instead.
      connectionsCheckingInterval: config.http.requestTimeoutMs > 0 ? Math.min(30_000, Math.max(100, Math.floor(config.http.requestTimeoutMs / 4))) : 30_000
    }
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(createValidatorCompiler())
  app.server.on('connect', (_request: unknown, socket: Socket) => answerConnect(socket))

  // Before the caller's hook, so what it records (the OpenAPI test) sees the schema routes end with.
  refuseUnreadBodies(app)
  refuseUnreadQueries(app)
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute)
  const now = options.now ?? (() => new Date())
  // The PostgreSQL client and stores load only when DATABASE_URL asks for them: an SQLite service
  // does not hold their code (~3 MB resident, docs/PERFORMANCE.md "Memory").
  // CPU-heavy stage work runs in worker threads with a bounded heap (pipeline/cpu-worker.ts); an
  // SQLite file's WAL checkpoints run on one of them rather than on a thread of their own.
  const cpu = createCpuPool(options.cpu)
  let backend: Storage
  try {
    backend = options.storage ??
      (config.databaseUrl === undefined
        ? openSqliteStorage(config.databasePath, { checkpointer: (databasePath) => cpu.hostCheckpoints(databasePath) })
        : (await import('./storage/pg.ts')).openPgStorage(config.databaseUrl, {
            onIdleError: (error) => app.log.warn(error, 'an idle PostgreSQL connection failed and was dropped; the next query opens a new one')
          }))
  } catch (err) {
    await cpu.close()
    throw err
  }
  // Closed in this order, after what is added in front: the storage (its last checkpoint runs on
  // the pool's worker), then the pool.
  const owned: Array<{ close(): Promise<void> }> = [cpu]
  if (options.storage === undefined) owned.unshift(backend)
  // Disk full, read-only, unreachable: one domain error (503 + Retry-After), logged once per episode.
  const storage = guardStorage(backend, {
    classify: classifyStorageError,
    onUnavailable: (reason, err) => app.log.error({ err, reason }, 'storage cannot take writes; answering 503 until it can')
  })
  try {
    await storage.migrate()
    const engine = options.translator ?? await translatorFromConfig(config.translation, app.log, config.throughput)
    if (options.translator === undefined) owned.unshift(engine)
    const metrics = createMetrics({
      subscriberLabels: config.http.metricsSubscriberLabels,
      ...('breaker' in engine ? { breakerState: () => (engine as ResilientProvider).breaker.state } : {}),
      // Read at scrape time, after the limits below exist.
      engineLoad: () => translator.load()
    })
    // Every engine call, whoever made the engine, within TRANSLATION_CONCURRENCY and the chars
    // budget; the metrics see the calls themselves, not the wait for a slot.
    const translator = withEngineLimits(instrumentTranslator(engine, metrics),
      { concurrency: config.throughput.concurrency, charsPerWindow: config.throughput.charsPerMinute })
    owned.unshift(translator)
    const addressPolicy = createAddressPolicy({
      allowPrivateNetworks: config.webhookAllowPrivateNetworks,
      allowCidrs: config.delivery.allowCidrs
    })
    const agent = createDeliveryAgent({ policy: addressPolicy, connectTimeoutMs: config.delivery.connectTimeoutMs })
    owned.unshift(agent)

    const feed = createFeedNotifier()
    const pacer = createPacer({ share: config.throughput.pipelineSharePercent / 100 })
    // A callback hook, not an async one: no promise per request for one assignment.
    app.addHook('onRequest', (_request, _reply, done) => {
      pacer.requestArrived()
      done()
    })
    const pipeline = createPipeline({
      cpu: billed(cpu, pacer),
      storage: billed(storage, pacer),
      pacer,
      translator,
      agent,
      log: app.log,
      now,
      providerName: config.providerName,
      leaseMs: config.leaseMs,
      delivery: config.delivery,
      throughput: config.throughput,
      feed,
      rateLimiter: createRateLimiter(config.delivery.ratePerSecond),
      observer: {
        deliveryRecorded (outcome, durationMs) {
          metrics.deliveryAttempts.inc({ outcome })
          metrics.deliveryDuration.observe({ outcome }, durationMs / 1000)
        }
      }
    })

    const { generated, configuredRevoked } = await bootstrapAdminKey(storage, config.adminApiKey, now())
    if (generated !== null) options.onAdminKeyGenerated?.(generated)
    if (configuredRevoked === true) app.log.warn('ADMIN_API_KEY has been revoked (DELETE /v1/keys/:id) and is refused; set another one')

    installProblemHandlers(app)
    await app.register(corePlugin, { config, storage, storageHealth: storage, pipeline, addressPolicy, feed, now })
    await app.register(authPlugin)
    await app.register(observabilityPlugin, { metrics })
    await registerLimits(app, config.http)
    await registerOpenApi(app, config.http.publicBaseUrl)
    await app.register(autoload, { dir: ROUTES_DIR, forceESM: true })

    if (options.startWorkers !== false) {
      app.addHook(options.startWorkers === 'after-listen' ? 'onListen' : 'onReady', async () => {
        // One process per SQLite file: whatever a crash left leased is ours to pick up again.
        // (On PostgreSQL, shared by several instances, this does nothing: leases run out.)
        await storage.releaseAllLeases()
        pipeline.start()
      })
    }
    app.addHook('preClose', async () => {
      // Long-polling feed readers would otherwise hold the server open until their wait ends.
      feed.close()
    })
    app.addHook('onClose', async () => {
      // No new engine calls once shutdown starts: versions still queued for the engine are
      // rescheduled (a transient failure) and run again at the next start.
      await translator.close()
      const stopped = pipeline.stop()
      // A stage waiting on a CPU job would hold the stop until the job's timeout: once the grace
      // period is over the pool closes, failing such jobs as transient (done again after restart).
      let timer: NodeJS.Timeout | undefined
      await Promise.race([stopped, new Promise<void>((resolve) => { timer = setTimeout(resolve, config.delivery.shutdownGraceMs) })])
      clearTimeout(timer)
      await cpu.close()
      await stopped
      for (const resource of owned) await resource.close()
    })
  } catch (err) {
    for (const resource of owned) await resource.close().catch(() => {})
    throw err
  }
  return app
}
