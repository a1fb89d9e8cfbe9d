// Two loops inside the service process: one moves versions through translation and fan-out, one
// (delivery/loop.ts) sends webhooks with bounded concurrency. Both sleep until woken (new work
// committed) or until the earliest scheduled retry is due. stop() lets in-flight work finish
// (for at most SHUTDOWN_GRACE, then cuts it) and leaves no timer.
import { createDeliveryLoop } from '../delivery/loop.ts'
import { runDistributionStage } from '../delivery/fanout-stage.ts'
import { runTranslationStage } from '../translation/stage.ts'
import { type PipelineContext, sleepUntilDue } from './context.ts'
import { createWaker } from './waker.ts'

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

  async function processLoop (): Promise<void> {
    while (!stopping) {
      try {
        const translated = await runTranslationStage(ctx)
        const distributed = stopping ? false : await runDistributionStage(ctx)
        if (distributed) delivery.wake()
        if (!translated && !distributed && !stopping) await sleepUntilDue(ctx, 'versions', processWaker)
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
