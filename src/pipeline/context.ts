// What every pipeline stage needs, passed explicitly (no module-level singletons).
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { DeliveryConfig, TranslationThroughput } from '../config.ts'
import type { FeedNotifier } from '../delivery/feed-notifier.ts'
import type { RateLimiter } from '../delivery/rate-limit.ts'
import type { AttemptOutcome, Storage } from '../storage/types.ts'
import type { CpuWork } from './cpu-jobs.ts'
import type { TranslationProvider } from '../translation/types.ts'
import type { Waker } from './waker.ts'
import type { Pacer } from './pacer.ts'

export interface PipelineContext {
  storage: Storage
  translator: TranslationProvider
  /** The guarded undici Agent every webhook goes through. */
  agent: Dispatcher
  log: FastifyBaseLogger
  now: () => Date
  providerName: string
  leaseMs: number
  delivery: DeliveryConfig
  /** Engine calls in flight, chars per minute, how long transient failures are retried. */
  throughput: TranslationThroughput
  feed: FeedNotifier
  rateLimiter: RateLimiter
  /** Told about finished work (for /metrics); absent in tests that do not look. */
  observer?: PipelineObserver
  /** Where CPU-heavy stage work runs (the app's worker pool); in this thread when absent (unit tests). */
  cpu?: CpuWork
  /** Makes background work give way to requests (pacer.ts); never waits when absent. */
  pacer?: Pacer
}

export interface PipelineObserver {
  /** A webhook attempt was recorded with this outcome after taking durationMs. */
  deliveryRecorded(outcome: AttemptOutcome['status'], durationMs: number): void
}

/** The work on one claimed version (translate it, or distribute it), run by the process loop. */
export interface VersionJob {
  versionId: string
  run(): Promise<void>
}

export function isoAfter (now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString()
}

/** Sleep cap while idle: a safety net, since every state change also wakes the loops. */
export const IDLE_POLL_MS = 5_000

/** Sleeps until the earliest claimable work of this kind is due, a wake, or maxMs. */
export async function sleepUntilDue (ctx: PipelineContext, kind: 'versions' | 'deliveries', waker: Waker, maxMs = IDLE_POLL_MS,
  since: Date = ctx.now()): Promise<void> {
  // `since` is when the claims that found nothing ran. Work that fell due after them is asked for
  // from then, so it comes back as due now; asked for from a later clock it was neither claimed
  // nor next, and a delivery put back for a millisecond by the rate limit waited out maxMs.
  const due = await ctx.storage.nextDueTime(kind, since.toISOString())
  const ms = due === null ? maxMs : Math.min(maxMs, Date.parse(due) - ctx.now().getTime())
  await waker.wait(ms)
}
