// Two loops inside the service process. The process loop claims versions and runs several at
// once: up to TRANSLATION_CONCURRENCY in translation (the engine limits in
// translation/engine-limits.ts decide how many calls really leave) and a few in distribution,
// each distribution starting as soon as its version is translated. Order needs no help from
// here: a version is only claimable for distribution once every earlier version of its story is
// out, so versions of one story never overtake each other however the engine orders its answers.
// The delivery loop (delivery/loop.ts) sends webhooks with bounded concurrency. Both sleep until
// woken (new work committed, a job finished) or until the earliest scheduled retry is due.
// While the engine's circuit is open nothing is claimed for translation; when a probe may go,
// exactly one version is, and the backlog follows once it succeeds. stop() lets in-flight work
// finish (deliveries for at most SHUTDOWN_GRACE, then cut) and leaves no timer.
import { setImmediate as yieldToIo } from 'node:timers/promises'
import { createDeliveryLoop } from '../delivery/loop.ts'
import { claimDistribution } from '../pipeline/distribution-stage.ts'
import { claimTranslation } from '../translation/stage.ts'
import { IDLE_POLL_MS, type PipelineContext, sleepUntilDue, type VersionJob } from './context.ts'
import { createWaker } from './waker.ts'
import { StorageUnavailableError } from '../storage/unavailable.ts'

const ERROR_PAUSE_MS = 1_000
/**
 * Distributions in flight. Rendering is synchronous CPU work on this thread, so more would not
 * render faster; a few let one version's storage round trips overlap another's.
 */
export const DISTRIBUTION_CONCURRENCY = 4

export interface Pipeline {
  start(): void
  /** Announce new work (an ingested version, a new subscriber, a retry request). */
  wake(): void
  /** Announce a new version only: the delivery loop has nothing new to look at. */
  wakeVersions(): void
  stop(): Promise<void>
}

/**
 * What a domain action that makes work (ingest, kill, retry, replay…) needs of the pipeline: to
 * say so itself, so no entry point (route, script, CLI) can forget to.
 */
export type WorkSignal = Pick<Pipeline, 'wake' | 'wakeVersions'>

export function createPipeline (ctx: PipelineContext): Pipeline {
  const processWaker = createWaker()
  let stopping = false
  let loops: Promise<void>[] = []
  // Aborted when shutdown's grace period runs out: attempts still in flight are cut and recorded.
  const abort = new AbortController()
  const delivery = createDeliveryLoop(ctx, abort.signal)
  // Jobs in flight by version id. A version whose lease ran out while its job still runs (a long
  // wait for the engine) can be claimed again; the job already running finishes it.
  const translating = new Map<string, Promise<void>>()
  const distributing = new Map<string, Promise<void>>()

  function launch (running: Map<string, Promise<void>>, job: VersionJob, what: string): void {
    const run: Promise<void> = job.run()
      .catch((err: unknown) => {
        // A storage outage is logged once where it is detected (storage/unavailable.ts).
        if (err instanceof StorageUnavailableError) ctx.log.debug({ versionId: job.versionId, reason: err.reason }, `${what} paused: storage unavailable`)
        else ctx.log.error({ err, versionId: job.versionId }, `${what} failed; the version is claimed again when its lease runs out`)
      })
      .finally(() => {
        running.delete(job.versionId)
        processWaker.wake()
      })
    running.set(job.versionId, run)
  }

  /** Claims and launches jobs while there is room; true when it launched any. */
  async function fill (running: Map<string, Promise<void>>, limit: number, claim: () => Promise<VersionJob | null>, what: string): Promise<boolean> {
    let launched = false
    while (!stopping && running.size < limit) {
      const job = await claim()
      if (job === null) break
      if (running.has(job.versionId)) continue
      launch(running, job, what)
      launched = true
    }
    return launched
  }

  // Leases of versions in flight are extended every third of a lease: a version may wait for the
  // engine (slots, the chars budget, retries) longer than one lease, and must not be taken over.
  let leasesRenewedAt = ctx.now().getTime()
  async function renewLeases (): Promise<void> {
    const now = ctx.now().getTime()
    if (now - leasesRenewedAt < ctx.leaseMs / 3) return
    leasesRenewedAt = now
    const ids = [...translating.keys(), ...distributing.keys()]
    if (ids.length > 0) await ctx.storage.extendVersionLeases(ids, new Date(now + ctx.leaseMs).toISOString())
  }

  async function processLoop (): Promise<void> {
    while (!stopping) {
      try {
        // Storage calls are synchronous under their promises, and a version whose segments all
        // come from translation memory never waits on the network: without this, a backlog ran
        // batch after batch without letting a request in (ingest p50 > 100 ms). One batch of
        // claims and launches, then whatever I/O is ready (requests, replies) goes first.
        await yieldToIo()
        // While requests keep arriving, claims wait for the pipeline's turn (pacer.ts); jobs in
        // flight go on, and a wake only makes the loop look again.
        for (let wait = ctx.pacer?.delayMs() ?? 0; wait > 0 && !stopping; wait = ctx.pacer?.delayMs() ?? 0) {
          await processWaker.wait(wait)
        }
        await renewLeases()
        const claimedAt = ctx.now()
        // Distribution first: a kill, or a version its partners wait for, goes before new claims.
        const distributed = await fill(distributing, DISTRIBUTION_CONCURRENCY, () => claimDistribution(ctx, () => delivery.wake()), 'distribution')
        const health = ctx.translator.health
        const now = ctx.now().getTime()
        const blockedUntil = health?.blockedUntil(now)
        // On probation (after failures, until a call succeeds) one version tests the engine.
        const limit = health?.onProbation() === true ? 1 : ctx.throughput.concurrency
        const translated = blockedUntil === undefined && await fill(translating, limit, () => claimTranslation(ctx), 'translation')
        if (distributed || translated || stopping) continue
        const full = distributing.size >= DISTRIBUTION_CONCURRENCY || translating.size >= limit
        // With jobs in flight, wake in time to extend their leases.
        const renewIn = translating.size + distributing.size > 0 ? leasesRenewedAt + ctx.leaseMs / 3 - now : IDLE_POLL_MS
        const maxMs = Math.max(0, Math.min(IDLE_POLL_MS, renewIn))
        if (blockedUntil !== undefined || full) {
          // Claimable work may be waiting, but not for us yet: a finished job or the breaker's
          // next probe time ends the wait, not the database.
          await processWaker.wait(Math.min(maxMs, (blockedUntil ?? Number.POSITIVE_INFINITY) - now))
        } else {
          await sleepUntilDue(ctx, 'versions', processWaker, maxMs, claimedAt)
        }
      } catch (err) {
        // A storage outage is logged once where it is detected (storage/unavailable.ts).
        if (err instanceof StorageUnavailableError) ctx.log.debug({ reason: err.reason }, 'pipeline paused: storage unavailable')
        else ctx.log.error({ err }, 'pipeline stage failed; pausing before the next try')
        if (!stopping) await processWaker.wait(ERROR_PAUSE_MS)
      }
    }
    while (translating.size + distributing.size > 0) await Promise.all([...translating.values(), ...distributing.values()])
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
    wakeVersions () {
      processWaker.wake()
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
