// Makes the service's parts reachable from routes: config, storage and the pipeline's wake-up.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import type { Pipeline } from '../pipeline/runner.ts'
import type { Storage } from '../storage/types.ts'
import type { StorageHealth } from '../storage/unavailable.ts'
import type { AddressPolicy } from '../delivery/address-guard.ts'
import type { FeedNotifier } from '../delivery/feed-notifier.ts'

/** What the core plugin decorates the app with: every route and plugin reads these. */
export interface CoreOptions {
  config: Config
  storage: Storage
  /** Whether storage failed recently as full, read-only or unreachable (/ready reads it). */
  storageHealth: StorageHealth
  pipeline: Pipeline
  addressPolicy: AddressPolicy
  feed: FeedNotifier
  /** The clock every route and stage uses, injectable for tests. */
  now: () => Date
}

declare module 'fastify' {
  interface FastifyInstance extends CoreOptions {}
}

export default fp(async function corePlugin (app: FastifyInstance, opts: CoreOptions) {
  app.decorate('config', opts.config)
  app.decorate('storage', opts.storage)
  app.decorate('storageHealth', opts.storageHealth)
  app.decorate('pipeline', opts.pipeline)
  app.decorate('addressPolicy', opts.addressPolicy)
  app.decorate('feed', opts.feed)
  app.decorate('now', opts.now)
}, { name: 'nashra-core' })
