// Configuration comes from environment variables only. It is read and validated once, before
// Fastify exists, so the server, workers and scripts share one typed object. Every bad value is
// named in the error, all of them at once, so an operator fixes a deployment in one go.
import path from 'node:path'
import { parseDurations, valueReaders } from './config-values.ts'
import { type HttpConfig, readHttpConfig } from './http/http-config.ts'
import { readTranslationOptions, type TranslationOptions } from './translation/config-options.ts'

export type TranslationConfig =
  /** Google itself, with Application Default Credentials. */
  | ({ kind: 'google'; projectId: string; location: string } & TranslationOptions)
  /** The Google client talking to another endpoint (the project's emulator, a proxy). */
  | ({ kind: 'endpoint'; endpoint: URL; projectId: string; location: string } & TranslationOptions)
  /** No Google configuration at all: start the emulator in-process (pseudo-translations). */
  | ({ kind: 'embedded-emulator'; projectId: string; location: string } & TranslationOptions)

export interface Config {
  port: number
  host: string
  databasePath: string
  /** postgres://… : PostgreSQL, shared by several instances; databasePath is then ignored. */
  databaseUrl?: string
  adminApiKey?: string
  translation: TranslationConfig
  webhookAllowPrivateNetworks: boolean
  logLevel: string
  /** Shown as the provider of every item Nashra emits. */
  providerName: string
  /** How long a worker holds a claimed job before another may take it over. */
  leaseMs: number
  /** US dollars per million characters sent to the engine, for cost estimates (Google NMT list price: 20). */
  translationPricePerMillionChars: number
  delivery: DeliveryConfig
  /** Server timeouts, inbound limits, /metrics access, PUBLIC_BASE_URL (src/http/http-config.ts). */
  http: HttpConfig
  throughput: TranslationThroughput
}

/** How hard Nashra may drive the translation engine, and how long it keeps trying. */
export interface TranslationThroughput {
  /** translateText calls in flight at once (also the number of versions translated at once). */
  concurrency: number
  /** Codepoints sent per sliding minute: Google's per-project quota, or a budget below it. */
  charsPerMinute: number
  /** A transient engine failure never fails a version younger than this: the engine may come back. */
  retryWindowMs: number
  /**
   * …nor one with fewer runs than this, so a version retried by hand after a long outage still
   * gets a few tries.
   */
  retryMinAttempts: number
  /** Wait before the next run after an isolated transient failure: doubles each run, up to the cap (±20 %). */
  retryBackoffBaseMs: number
  retryBackoffCapMs: number
  /** Latency of every answer of the embedded emulator (0: none); for demos and benches. */
  emulatorLatencyMs: number
  /**
   * Percent of the request thread the pipeline may take while requests keep arriving (pipeline/pacer.ts); 100: no pacing.
   * 10 by default (the bill made whole by a measured factor, pacer.ts): in bench:ingest the posts' p99 was ~70 ms at 10 %
   * against ~95 at 25 %, and the pipeline still moved ~30 stories/s behind a saturating burst (~80 at 25 %).
   */
  pipelineSharePercent: number
}

/** Google's default quota for general-model characters per project per minute (v2 and v3). */
export const GOOGLE_CHARS_PER_MINUTE = 6_000_000

export interface DeliveryConfig {
  /** Delays before each retry of a failed delivery (±20% jitter); past the last, it is dead. */
  retryScheduleMs: number[]
  connectTimeoutMs: number
  /** The whole request, from connect to the last byte of the response. */
  timeoutMs: number
  /** Webhooks in flight at once, across subscribers (one per subscriber at a time). */
  concurrency: number
  /** Most webhooks per second to one subscriber. */
  ratePerSecond: number
  /** A subscriber whose every attempt has failed for this long is disabled. */
  disableAfterMs: number
  /** After a secret rotation, deliveries carry the old signature too for this long. */
  secretOverlapMs: number
  /** CIDRs exempt from the private-address guard (trusted internal partners, tests). */
  allowCidrs: string[]
  /** On SIGTERM, how long in-flight attempts may finish before they are cut off and recorded. */
  shutdownGraceMs: number
}

/** Google Cloud Translation's list price for NMT (Basic and Advanced): $20 per million characters. */
export const DEFAULT_PRICE_PER_MILLION_CHARS = 20

/** Wire-service retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (~28 h in all). */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h'

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

type Env = Record<string, string | undefined>

export function loadConfig (env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = []
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  const port = parsePort(read('PORT') ?? '3000')
  if (port === undefined) problems.push(`PORT must be an integer from 0 to 65535, got "${read('PORT')}"`)

  const logLevel = read('LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  }

  const allowPrivate = parseBoolean(read('WEBHOOK_ALLOW_PRIVATE_NETWORKS') ?? 'false')
  if (allowPrivate === undefined) {
    problems.push(`WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false, got "${read('WEBHOOK_ALLOW_PRIVATE_NETWORKS')}"`)
  }

  const adminApiKey = read('ADMIN_API_KEY')
  if (adminApiKey !== undefined && adminApiKey.length < 24) {
    problems.push('ADMIN_API_KEY must be at least 24 characters long (use a random value)')
  }

  const databaseUrl = read('DATABASE_URL')
  if (databaseUrl !== undefined) {
    // The value is not echoed: it may hold a password.
    let protocol: string | undefined
    try {
      protocol = new URL(databaseUrl).protocol
    } catch {}
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must be a postgres:// or postgresql:// URL, got ${protocol === undefined ? 'something that is not a URL' : `scheme "${protocol}"`}`)
    }
  }

  const translation = readTranslation(read, problems)

  const rawPrice = read('TRANSLATION_PRICE_PER_MILLION_CHARS')
  const price = rawPrice === undefined ? DEFAULT_PRICE_PER_MILLION_CHARS : /^\d{1,6}(\.\d{1,6})?$/.test(rawPrice) ? Number(rawPrice) : Number.NaN
  if (Number.isNaN(price)) {
    problems.push(`TRANSLATION_PRICE_PER_MILLION_CHARS must be a non-negative number of US dollars like "20" or "12.5", got "${rawPrice}"`)
  }

  const delivery = readDelivery(read, problems)
  const http = readHttpConfig(read, problems)

  const throughput = readThroughput(read, problems)

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    port: port!,
    host: read('HOST') ?? '0.0.0.0',
    databasePath: path.resolve(cwd, read('DATABASE_PATH') ?? path.join('data', 'nashra.db')),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(adminApiKey === undefined ? {} : { adminApiKey }),
    translation: translation!,
    webhookAllowPrivateNetworks: allowPrivate!,
    logLevel,
    providerName: read('PROVIDER_NAME') ?? 'Nashra',
    leaseMs: 60_000,
    translationPricePerMillionChars: price,
    delivery: delivery!,
    http,
    throughput
  }
}

function readDelivery (read: (name: string) => string | undefined, problems: string[]): DeliveryConfig | undefined {
  const schedule = parseDurations(read('DELIVERY_RETRY_SCHEDULE') ?? DEFAULT_RETRY_SCHEDULE)
  if (schedule === undefined) {
    problems.push(`DELIVERY_RETRY_SCHEDULE must be a comma-separated list of durations like "5s,5m,2h" (units ms, s, m, h, d), got "${read('DELIVERY_RETRY_SCHEDULE')}"`)
  }
  const { duration, integer } = valueReaders(read, problems)
  const count = (name: string, fallback: number, max: number): number => integer(name, fallback, 1, max)
  const allowCidrs = (read('WEBHOOK_ALLOW_CIDRS') ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '')
  for (const cidr of allowCidrs) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) problems.push(`WEBHOOK_ALLOW_CIDRS must list CIDRs like "10.20.0.0/16,fd00::/8", got "${cidr}"`)
  }
  const config: DeliveryConfig = {
    retryScheduleMs: schedule ?? [],
    connectTimeoutMs: duration('DELIVERY_CONNECT_TIMEOUT', '5s'),
    timeoutMs: duration('DELIVERY_TIMEOUT', '30s'),
    concurrency: count('DELIVERY_CONCURRENCY', 128, 1000),
    ratePerSecond: count('DELIVERY_RATE_LIMIT', 200, 100_000),
    disableAfterMs: duration('SUBSCRIBER_DISABLE_AFTER', '5d'),
    secretOverlapMs: duration('SECRET_ROTATION_OVERLAP', '24h'),
    allowCidrs,
    shutdownGraceMs: duration('SHUTDOWN_GRACE', '10s')
  }
  return config
}

function readThroughput (read: (name: string) => string | undefined, problems: string[]): TranslationThroughput {
  const { duration, integer } = valueReaders(read, problems)
  return {
    concurrency: integer('TRANSLATION_CONCURRENCY', 16, 1, 256),
    charsPerMinute: integer('TRANSLATION_CHARS_PER_MINUTE', GOOGLE_CHARS_PER_MINUTE, 1000, 1_000_000_000),
    retryWindowMs: duration('TRANSLATION_RETRY_WINDOW', '24h'),
    retryMinAttempts: 8,
    retryBackoffBaseMs: 1000,
    retryBackoffCapMs: 5 * 60_000,
    emulatorLatencyMs: duration('EMULATOR_LATENCY', '0ms', { allowZero: true }),
    pipelineSharePercent: integer('PIPELINE_SHARE_WHILE_BUSY', 10, 5, 100)
  }
}

function readTranslation (read: (name: string) => string | undefined, problems: string[]): TranslationConfig | undefined {
  const projectId = read('GOOGLE_CLOUD_PROJECT')
  const location = read('GOOGLE_CLOUD_LOCATION') ?? 'global'
  const rawEndpoint = read('TRANSLATE_API_ENDPOINT')
  if (!/^[a-z0-9-]+$/.test(location)) {
    problems.push(`GOOGLE_CLOUD_LOCATION must look like "global" or "us-central1", got "${location}"`)
  }
  const options = readTranslationOptions(read, problems, location)
  if (rawEndpoint !== undefined) {
    let endpoint: URL | undefined
    try {
      endpoint = new URL(rawEndpoint)
    } catch {}
    if (endpoint === undefined || !['http:', 'https:'].includes(endpoint.protocol) || endpoint.pathname !== '/') {
      problems.push(`TRANSLATE_API_ENDPOINT must be an http(s) URL with no path, like http://127.0.0.1:8085, got "${rawEndpoint}"`)
      return undefined
    }
    return { kind: 'endpoint', endpoint, projectId: projectId ?? 'nashra-local', location, ...options }
  }
  if (projectId !== undefined) return { kind: 'google', projectId, location, ...options }
  return { kind: 'embedded-emulator', projectId: 'nashra-local', location, ...options }
}

function parsePort (value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined
  const n = Number(value)
  return n <= 65535 ? n : undefined
}

function parseBoolean (value: string): boolean | undefined {
  const v = value.toLowerCase()
  if (['true', '1', 'yes'].includes(v)) return true
  if (['false', '0', 'no'].includes(v)) return false
  return undefined
}
