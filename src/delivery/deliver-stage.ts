// The delivery stage: one claimed outbox row → sign → send → record the attempt → delivered,
// retry later, or dead once the retry schedule is exhausted. The webhook id and body were fixed
// when the row was written, so every retry is the same message to the partner.
import { isoAfter, type PipelineContext } from '../pipeline/context.ts'
import type { AttemptOutcome, ClaimedDelivery } from '../storage/types.ts'
import { sendWebhook } from './send.ts'
import { webhookHeaders } from './sign.ts'

/** What happens after an attempt, given how many attempts have now been made. */
export function nextOutcome (ok: boolean, attemptsMade: number, scheduleMs: number[], now: Date): AttemptOutcome {
  if (ok) return { status: 'delivered' }
  const delay = scheduleMs[attemptsMade - 1]
  if (delay === undefined) return { status: 'dead' }
  const jittered = Math.round(delay * (0.8 + Math.random() * 0.4))
  return { status: 'pending', nextAttemptAt: isoAfter(now, jittered) }
}

export async function deliverOne (ctx: PipelineContext, delivery: ClaimedDelivery): Promise<void> {
  const timestamp = Math.floor(ctx.now().getTime() / 1000)
  const headers = webhookHeaders({ id: delivery.webhookId, timestamp, body: delivery.body, secrets: [delivery.secret] })
  const startedAt = ctx.now()
  const result = await sendWebhook({
    agent: ctx.agent,
    url: delivery.url,
    body: delivery.body,
    contentType: delivery.contentType,
    headers: { ...headers, 'x-nashra-sequence': String(delivery.sequence) },
    timeoutMs: ctx.deliveryTimeoutMs
  })
  const outcome = nextOutcome(result.ok, delivery.attempts + 1, ctx.deliveryRetryScheduleMs, ctx.now())
  await ctx.storage.recordAttempt(delivery.id, {
    at: startedAt.toISOString(),
    statusCode: result.statusCode ?? null,
    durationMs: result.durationMs,
    error: result.ok ? null : result.error ?? `HTTP ${result.statusCode}`,
    responseExcerpt: result.responseExcerpt ?? null
  }, outcome)
  const log = ctx.log.child({ deliveryId: delivery.id, webhookId: delivery.webhookId, subscriberId: delivery.subscriberId })
  if (outcome.status === 'delivered') log.info({ statusCode: result.statusCode, ms: result.durationMs }, 'delivered')
  else log.warn({ statusCode: result.statusCode, error: result.error, outcome }, 'delivery attempt failed')
}

/** Claims as many due deliveries as there are free slots. */
export async function claimDeliveries (ctx: PipelineContext, freeSlots: number): Promise<ClaimedDelivery[]> {
  if (freeSlots <= 0) return []
  const now = ctx.now()
  return ctx.storage.claimDueDeliveries(now.toISOString(), isoAfter(now, ctx.leaseMs), freeSlots)
}
