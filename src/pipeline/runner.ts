// Two loops inside the service process: one moves versions through translation and fan-out, one
// (delivery/loop.ts) sends webhooks with bounded concurrency. Both sleep until woken (new work committed) or until
// the earliest scheduled retry is due. stop() lets in-flight work finish and leaves no timer.
import { createDeliveryLoop } from '../delivery/loop.ts'
import { runDistributionStage } from '../delivery/fanout-stage.ts'
import { runTranslationStage } from '../translation/stage.ts'
import type { PipelineContext } from './context.ts'
import { createWaker } from './waker.ts'

/** Sleep cap while idle: a safety net, since every state change also wakes the loops. */
const IDLE_POLL_MS = 5_000
const ERROR_PAUSE_MS = 1_000

export interface Pipeline {
  start(): void
  /** Announce new work (an ingested version, a new subscriber, a retry request). */
  wake(): void
  stop(): Promise<void>
}

export function createPipeline (ctx: PipelineContext): Pipeline {
  const processWaker = createWaker()
  let stopping = false
  let loops: Promise<void>[] = []
  // Aborted when shutdown's grace period runs out: attempts still in flight are cut and recorded.
  const abort = new AbortController()
  const delivery = createDeliveryLoop(ctx, abort.signal)

  async function sleepUntilDue (kind: 'versions' | 'deliveries', waker: ReturnType<typeof createWaker>): Promise<void> {
    const due = await ctx.storage.nextDueTime(kind, ctx.now().toISOString())
    const ms = due === null ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Date.parse(due) - ctx.now().getTime())
    await waker.wait(ms)
  }

  async function processLoop (): Promise<void> {
    while (!stopping) {
      try {
        const translated = await runTranslationStage(ctx)
        const distributed = stopping ? false : await runDistributionStage(ctx)
        if (distributed) delivery.wake()
        if (!translated && !distributed && !stopping) await sleepUntilDue('versions', processWaker)
      } catch (err) {
        ctx.log.error({ err }, 'pipeline stage failed; pausing before the next try')
        if (!stopping) await processWaker.wait(ERROR_PAUSE_MS)
      }
    }
  }

  return {
    start () {
      if (loops.length > 0) return
      loops = [processLoop(), delivery.run()]
    },
    wake () {
      processWaker.wake()
      delivery.wake()
    },
    async stop () {
      stopping = true
      processWaker.wake()
      delivery.stop()
      const finished = Promise.all(loops)
      let timer: NodeJS.Timeout | undefined
      const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, ctx.delivery.shutdownGraceMs) })
      await Promise.race([finished, grace])
      clearTimeout(timer)
      abort.abort()
      await finished
      loops = []
    }
  }
}
