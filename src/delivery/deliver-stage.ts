// The delivery stage: one claimed outbox row → sign → send → record the attempt → delivered,
// retry later, or dead once the retry schedule is exhausted. The webhook id and body were fixed
// when the row was written, so every retry is the same message to the partner.
import { boundedMemo } from '../bounded-memo.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { type RandomSource, withJitter } from '../jitter.ts'
import { isoAfter, type PipelineContext } from '../pipeline/context.ts'
import type { AttemptOutcome, AttemptRecord, ClaimedDelivery } from '../storage/types.ts'
import { type SendOutcome, sendWebhook } from './send.ts'
import { webhookHeaders } from './sign.ts'

/** A partner may ask for a pause with Retry-After, but not for longer than this. */
export const RETRY_AFTER_CAP_MS = 6 * 3_600_000
/**
 * A rate-limit wait up to this long is slept with the lease held, then the delivery goes; a
 * longer one puts it back. Putting back every short wait cost a transaction, a claim and a wake-up
 * per webhook, which held a subscriber well under DELIVERY_RATE_LIMIT.
 */
export const RATE_WAIT_IN_PLACE_MS = 1_000
/** After a 429 or a timeout the partner is struggling: give it at least a minute. */
export const STRUGGLING_FLOOR_MS = 60_000

/** What happens after an attempt, given how many attempts have now been made. */
export function nextOutcome (result: Pick<SendOutcome, 'ok' | 'statusCode' | 'errorCode' | 'retryAfterMs'>,
  attemptsMade: number, scheduleMs: number[], now: Date, random: RandomSource = Math.random): AttemptOutcome {
  if (result.ok) return { status: 'delivered' }
  // Cut short by our own shutdown: not the partner's fault, try again as soon as we are back.
  if (result.errorCode === 'ABORTED') return { status: 'pending', nextAttemptAt: now.toISOString() }
  const delay = scheduleMs[attemptsMade - 1]
  if (delay === undefined) return { status: 'dead' }
  let wait = withJitter(delay, random)
  if (result.statusCode === 429 || result.errorCode === 'TIMEOUT') wait = Math.max(wait, STRUGGLING_FLOOR_MS)
  if (result.retryAfterMs !== undefined) wait = Math.max(wait, Math.min(result.retryAfterMs, RETRY_AFTER_CAP_MS))
  return { status: 'pending', nextAttemptAt: isoAfter(now, wait) }
}

/** The headers of one attempt; `body` is the delivery's body as sent (its bytes, when made already). */
export function deliveryHeaders (delivery: ClaimedDelivery, timestamp: number, body: string | Uint8Array = delivery.body): Record<string, string> {
  return {
    ...webhookHeaders({ id: delivery.webhookId, timestamp, body, secrets: delivery.secrets }),
    'content-language': delivery.lang,
    'x-nashra-event': delivery.event,
    'x-nashra-sequence': String(delivery.sequence),
    'x-nashra-article-id': delivery.articleId,
    'x-nashra-version': String(delivery.version),
    // Sent before and queued again by an admin (retry, replay): same id and sequence, marked.
    ...(delivery.replayedAt === null ? {} : { 'x-nashra-replay': 'true' })
  }
}

/** A finished attempt, waiting to be recorded with others that finished at about the same time. */
export interface FinishedAttempt {
  delivery: ClaimedDelivery
  attempt: AttemptRecord
  outcome: AttemptOutcome
  result: SendOutcome
}

/** Bodies encoded lately, at most this many. */
const RECENT_BODIES = 32

/**
 * A fan-out sends one document to hundreds of partners: its UTF-8 bytes are made once and both
 * signed and sent, not encoded again for the HMAC and for the socket of every delivery (a 10 KB
 * buffer per webhook, outside the V8 heap, that made the collector run far more often).
 */
export function recentBodies (limit = RECENT_BODIES): (body: string) => Buffer {
  return boundedMemo(limit, (body: string) => Buffer.from(body, 'utf8'))
}

/** Sends one claimed delivery; null when the rate limit put it back without an attempt. */
export async function attemptDelivery (ctx: PipelineContext, delivery: ClaimedDelivery, signal?: AbortSignal,
  bytesOf: (body: string) => Buffer = (body) => Buffer.from(body, 'utf8')): Promise<FinishedAttempt | null> {
  let wait = ctx.rateLimiter.take(delivery.subscriberId, ctx.now().getTime())
  if (wait > 0 && wait <= RATE_WAIT_IN_PLACE_MS) {
    try {
      await sleep(wait, undefined, signal === undefined ? {} : { signal })
      wait = ctx.rateLimiter.take(delivery.subscriberId, ctx.now().getTime())
    } catch {
      // Aborted by shutdown: put it back, due at once.
      await ctx.storage.postponeDelivery(delivery.id, ctx.now().toISOString())
      return null
    }
  }
  if (wait > 0) {
    await ctx.storage.postponeDelivery(delivery.id, isoAfter(ctx.now(), wait))
    return null
  }
  const startedAt = ctx.now()
  const body = bytesOf(delivery.body)
  const result = await sendWebhook({
    agent: ctx.agent,
    url: delivery.url,
    body,
    contentType: delivery.contentType,
    headers: deliveryHeaders(delivery, Math.floor(startedAt.getTime() / 1000), body),
    timeoutMs: ctx.delivery.timeoutMs,
    ...(signal === undefined ? {} : { signal })
  })
  return {
    delivery,
    result,
    outcome: nextOutcome(result, delivery.attempts + 1, ctx.delivery.retryScheduleMs, ctx.now()),
    attempt: {
      at: startedAt.toISOString(),
      statusCode: result.statusCode ?? null,
      durationMs: result.durationMs,
      error: result.ok ? null : result.error ?? `HTTP ${result.statusCode}`,
      responseExcerpt: result.responseExcerpt ?? null
    }
  }
}

/**
 * Records finished attempts in one transaction, then disables subscribers that asked for it.
 * With `refill` and every attempt delivered, the same transaction also claims up to `slots` due
 * deliveries, which are handed to `launch` before anything else is awaited: the delivery loop's
 * usual step, one transaction where a record and a claim took two (a head the record made due is
 * leased in the same transaction, its pages written once).
 */
export async function recordFinished (ctx: PipelineContext, finished: FinishedAttempt[],
  refill?: { slots: number; launch: (delivery: ClaimedDelivery) => void }): Promise<void> {
  const items = finished.map((f) => ({ deliveryId: f.delivery.id, attempt: f.attempt, outcome: f.outcome }))
  // A failure may disable its subscriber (410 Gone, failing too long), which is decided below,
  // once recorded: such a batch leaves the claim to the loop, so a partner being disabled is not
  // sent its next message first (a dead message makes the next one its queue's head).
  const slots = refill !== undefined && finished.every((f) => f.outcome.status === 'delivered') ? refill.slots : 0
  const { results, claimed } = await ctx.storage.recordAndClaim(items, { ...leaseWindow(ctx), limit: slots })
  for (const delivery of claimed) refill?.launch(delivery)
  for (const f of finished) ctx.observer?.deliveryRecorded(f.outcome.status, f.result.durationMs)
  const now = ctx.now()
  // Every attempt is in the attempts table already; the log says one line per batch at info (a
  // fan-out to 500 partners is one event, not 500), each success at debug, each failure at warn.
  let delivered = 0
  // Only built when debug is on: a fan-out delivers thousands a second, and the object was made
  // for each of them whatever the level.
  const debug = ctx.log.level === 'debug' || ctx.log.level === 'trace'
  for (const [i, { delivery, result, outcome }] of finished.entries()) {
    if (outcome.status === 'delivered') {
      delivered++
      if (debug) {
        ctx.log.debug({
          deliveryId: delivery.id,
          webhookId: delivery.webhookId,
          subscriberId: delivery.subscriberId,
          statusCode: result.statusCode,
          ms: result.durationMs
        }, 'delivered')
      }
      continue
    }
    const log = ctx.log.child({ deliveryId: delivery.id, webhookId: delivery.webhookId, subscriberId: delivery.subscriberId })
    log.warn({ statusCode: result.statusCode, error: result.error, outcome }, 'delivery attempt failed')
    const failingSince = results[i]?.failingSince ?? null
    if (result.statusCode === 410) {
      await ctx.storage.disableSubscriber(delivery.subscriberId, 'the endpoint answered 410 Gone', now.toISOString())
      log.warn('subscriber disabled: its endpoint answered 410 Gone')
    } else if (failingSince !== null && now.getTime() - Date.parse(failingSince) >= ctx.delivery.disableAfterMs) {
      await ctx.storage.disableSubscriber(delivery.subscriberId, `every delivery has failed since ${failingSince}`, now.toISOString())
      log.warn({ failingSince }, 'subscriber disabled: failing for too long')
    }
  }
  if (delivered > 0) ctx.log.info({ delivered, failed: finished.length - delivered }, 'deliveries recorded')
}

/** When a claim made now leases its rows until: past the longest possible attempt, so nobody takes over a delivery in flight. */
function leaseWindow (ctx: PipelineContext, now = ctx.now()): { now: string; leaseUntil: string } {
  const leaseMs = Math.max(ctx.leaseMs, ctx.delivery.connectTimeoutMs + ctx.delivery.timeoutMs + 30_000)
  return { now: now.toISOString(), leaseUntil: isoAfter(now, leaseMs) }
}

/** Claims as many due deliveries as there are free slots. */
export async function claimDeliveries (ctx: PipelineContext, freeSlots: number, now = ctx.now()): Promise<ClaimedDelivery[]> {
  if (freeSlots <= 0) return []
  const window = leaseWindow(ctx, now)
  return ctx.storage.claimDueDeliveries(window.now, window.leaseUntil, freeSlots)
}
