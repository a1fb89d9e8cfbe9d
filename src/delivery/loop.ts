// The delivery loop: keeps up to `concurrency` webhooks in flight, recording what finishes
// together in one transaction that also claims what fills the slots it frees, so SQLite's
// synchronous work stays a small share of the event loop (one transaction per batch, not a
// record and a claim). The loop claims by itself only when no record is under way: at the start,
// after a fan-out wakes it, when retries fall due. A finished attempt keeps its lease until it
// is recorded, so nothing else can take its subscriber's next item early.
import { IDLE_POLL_MS, type PipelineContext, sleepUntilDue } from '../pipeline/context.ts'
import { createWaker } from '../pipeline/waker.ts'
import { attemptDelivery, claimDeliveries, type FinishedAttempt, recentBodies, recordFinished } from './deliver-stage.ts'
import { StorageUnavailableError } from '../storage/unavailable.ts'

const ERROR_PAUSE_MS = 1_000
const FLUSH_DELAY_MS = 2

export interface DeliveryLoop {
  run(): Promise<void>
  wake(): void
  /** Stops claiming; run() resolves once in-flight attempts are done and recorded. */
  stop(): void
}

export function createDeliveryLoop (ctx: PipelineContext, signal: AbortSignal): DeliveryLoop {
  const waker = createWaker()
  const inFlight = new Set<Promise<void>>()
  let finished: FinishedAttempt[] = []
  let flushing: Promise<void> | null = null
  let stopping = false
  // Slots a claim under way will fill: the loop's own claim and a flush's may overlap (the
  // PostgreSQL backend awaits), and together they must not exceed `concurrency`.
  let reserved = 0
  const freeSlots = (): number => ctx.delivery.concurrency - inFlight.size - reserved
  // Claiming one row per finished request would cost a query each; wait for a few free slots.
  const batchMin = Math.max(1, Math.floor(ctx.delivery.concurrency / 4))
  const bytesOf = recentBodies()

  async function flush (): Promise<void> {
    while (finished.length > 0) {
      const batch = finished
      finished = []
      const slots = stopping ? 0 : Math.max(0, freeSlots())
      reserved += slots
      try {
        await recordFinished(ctx, batch, { slots, launch })
      } catch (err) {
        // The leases run out and the deliveries are sent again: at least once, same webhook-id.
        if (err instanceof StorageUnavailableError) ctx.log.debug({ reason: err.reason, deliveries: batch.length }, 'recording delivery attempts waits for storage')
        else ctx.log.error({ err, deliveries: batch.length }, 'recording delivery attempts failed')
      } finally {
        reserved -= slots
      }
    }
  }

  function scheduleFlush (): void {
    if (flushing !== null) return
    // A couple of milliseconds gathers what finishes together into one transaction; the leases
    // are held meanwhile, so nothing can overtake. With nothing else in flight there is nothing
    // to gather, and waiting would only slow a single partner's queue.
    const alone = inFlight.size <= 1
    flushing = new Promise<void>((resolve) => alone ? setImmediate(resolve) : setTimeout(resolve, FLUSH_DELAY_MS))
      .then(flush)
      .finally(() => {
        flushing = null
        // An attempt that finished after flush's last look, while this chain was still marked
        // as flushing, found nothing to schedule: its record would wait for the next attempt
        // to finish, and hold its subscriber's queue until then.
        if (finished.length > 0) scheduleFlush()
        waker.wake()
      })
  }

  function launch (delivery: Parameters<typeof attemptDelivery>[1]): void {
    const job: Promise<void> = attemptDelivery(ctx, delivery, signal, bytesOf)
      .then((done) => {
        if (done === null) return
        finished.push(done)
        scheduleFlush()
      })
      .catch((err: unknown) => { ctx.log.error({ err, deliveryId: delivery.id }, 'delivery attempt crashed') })
      .finally(() => {
        inFlight.delete(job)
        waker.wake()
      })
    inFlight.add(job)
  }

  return {
    async run () {
      while (!stopping) {
        try {
          const free = freeSlots()
          // A record under way (or due in a moment) refills the slots itself.
          if (flushing !== null || (inFlight.size > 0 && free < batchMin)) {
            await waker.wait(IDLE_POLL_MS)
            continue
          }
          const claimedAt = ctx.now()
          reserved += free
          const claimed = await claimDeliveries(ctx, free, claimedAt).finally(() => { reserved -= free })
          for (const delivery of claimed) launch(delivery)
          if (claimed.length === 0 && !stopping) await sleepUntilDue(ctx, 'deliveries', waker, IDLE_POLL_MS, claimedAt)
        } catch (err) {
          if (err instanceof StorageUnavailableError) ctx.log.debug({ reason: err.reason }, 'delivery loop paused: storage unavailable')
          else ctx.log.error({ err }, 'delivery loop failed; pausing before the next try')
          if (!stopping) await waker.wait(ERROR_PAUSE_MS)
        }
      }
      await Promise.all(inFlight)
      while (flushing !== null) await flushing
      await flush()
    },
    wake () {
      waker.wake()
    },
    stop () {
      stopping = true
      waker.wake()
    }
  }
}
