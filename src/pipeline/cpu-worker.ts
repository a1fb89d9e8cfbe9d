// A small pool of worker threads for the pipeline's CPU-heavy work (cpu-jobs.ts): preparing and
// cutting a version's segments, joining the engine's pieces, rendering documents. Each worker
// has a bounded heap (`resourceLimits`) and runs one job at a time, so a story that exhausts
// memory or runs away kills one worker and fails one job — never the process that serves the
// API. A dead worker is replaced on the next job; the job it took down rejects with
// WorkerCrashedError, which the stages count towards quarantining the version (quarantine.ts).
// Several jobs may be in flight at once (one per worker, the rest queued), so concurrent stages
// can share the pool. Workers start on the first job and a worker idle for `idleMs` is retired:
// each is a V8 isolate of its own (~25 MB resident with its modules), so a service with nothing
// to render holds none, and one that is only delivering a backlog does not pay for them.
// The one exception is the resident worker: a pool asked to host a database's WAL checkpoints
// (hostCheckpoints) keeps one worker alive for them, in place of a checkpoint thread of their own
// (one isolate fewer at the peak, ~10 MB). It loads the job modules with its first job, and once
// it has run jobs and idled for `idleMs` it is replaced by a fresh one that has not: the memory
// of rendering is given back as with any retired worker, and checkpoints go on.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { siblingModule } from '../sibling-module.ts'
import type { CheckpointLoopOptions } from '../storage/sqlite-checkpoint-loop.ts'
import { CHECKPOINT_INTERVAL_MS, type Checkpointer } from '../storage/sqlite-checkpointer.ts'
import { type CpuJob, type CpuJobOutcome, type CpuWork, cpuWork, outcomeValue } from './cpu-jobs.ts'
import type { StopCheckpoints } from './cpu-worker-thread.ts'

const ENTRY = siblingModule('cpu-worker-thread', import.meta.url)

/** The job's worker died (out of memory, a crash) or was stopped for running too long. */
export class WorkerCrashedError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'WorkerCrashedError'
  }
}

/**
 * The pool was closed (shutdown) while the job waited or ran. UNAVAILABLE (14): transient, the
 * version is simply due again after the restart — it is not the story's fault.
 */
export class CpuPoolClosedError extends Error {
  readonly code = 14

  constructor () {
    super('the CPU worker pool is shutting down')
    this.name = 'CpuPoolClosedError'
  }
}

export interface CpuPoolOptions {
  /**
   * Workers; default: one per core beyond the one the event loop runs on, at least 1 and at most
   * 2. Each worker is a V8 isolate with its own copy of the modules it runs (~55 MB resident):
   * jobs are short, so more workers bought little speed for much memory.
   */
  size?: number
  /** Old-generation heap of each worker, MB. */
  maxHeapMb?: number
  /** A job running longer than this is stopped (its worker terminated) and fails as a crash. */
  jobTimeoutMs?: number
  /** A worker without a job for this long is retired (a new one starts with the next job). */
  idleMs?: number
}

export interface CpuPool extends CpuWork {
  /** Workers that died or were stopped so far (each is replaced when the next job comes). */
  readonly deaths: number
  /** Workers alive now (started on demand, retired when idle). */
  readonly workers: number
  /**
   * Runs the WAL checkpoints of the database at this path on the resident worker (at most one
   * database per pool); a storage's `checkpointer` (storage/sqlite.ts). Jobs wait behind a
   * checkpoint and checkpoints behind a job: both are short, and neither is on the event loop.
   */
  hostCheckpoints(databasePath: string): Checkpointer
  close(): Promise<void>
}

interface Pending {
  job: CpuJob
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  pending: Pending | null
  timer: NodeJS.Timeout | undefined
  /** Why the worker is going away, for the job it takes with it. */
  death: string | undefined
  /** Retirement after idleness: set while the worker has no job. */
  idle: NodeJS.Timeout | undefined
  /** Retired for idleness, or stopped checkpointing: its exit is not a death. */
  retired: boolean
  /** It runs the checkpoints (started with them, or told to stop them). */
  resident: boolean
  /** It has loaded the job modules. */
  ranJobs: boolean
  exited: Promise<unknown>
  /** When it was started (performance.now): a resident that dies young is replaced after a pause. */
  startedAt: number
}

export const DEFAULT_MAX_HEAP_MB = 512
/** A resident worker that dies within this of its start is replaced this much later. */
export const RESIDENT_RESPAWN_PAUSE_MS = 1_000
export const DEFAULT_JOB_TIMEOUT_MS = 60_000
export const DEFAULT_IDLE_MS = 30_000
// The young generation is a scratch area that V8 keeps committed once grown: a few MB keep
// scavenges cheap for rendering, where 32 MB per worker was mostly resident and idle.
const YOUNG_GENERATION_MB = 8

export function createCpuPool (options: CpuPoolOptions = {}): CpuPool {
  const size = options.size ?? Math.min(2, Math.max(1, availableParallelism() - 1))
  const maxHeapMb = options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB
  const jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS
  const slots = new Set<Slot>()
  const queue: Pending[] = []
  let closed = false
  let deaths = 0
  let checkpoints: CheckpointLoopOptions | null = null
  // A resident that dies young is replaced after a pause, not at once: one that cannot start
  // (its database unreadable, say) would otherwise be respawned in a loop as fast as it fails.
  let respawn: NodeJS.Timeout | undefined

  function spawn (resident = false): Slot {
    const worker = new Worker(ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, stackSizeMb: 4 },
      ...(resident ? { workerData: { checkpoint: checkpoints } } : {}),
    })
    // Not events.once: that rejects on the 'error' a crashing worker emits before its exit.
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    const slot: Slot = { worker, pending: null, timer: undefined, death: undefined, idle: undefined, retired: false, resident, ranJobs: false, exited, startedAt: performance.now() }
    worker.on('message', (outcome: CpuJobOutcome) => {
      const pending = slot.pending
      if (pending === null) return
      finish(slot)
      try {
        pending.resolve(outcomeValue(outcome))
      } catch (err) {
        pending.reject(err as Error)
      }
      dispatch()
    })
    worker.on('error', (err) => { slot.death ??= err.message })
    worker.on('exit', (code) => {
      slots.delete(slot)
      if (!closed && !slot.retired) deaths++
      const pending = slot.pending
      finish(slot)
      clearTimeout(slot.idle)
      if (pending !== null) {
        pending.reject(closed ? new CpuPoolClosedError() : new WorkerCrashedError(`the CPU worker died: ${slot.death ?? `exit code ${code}`}`))
      }
      if (!closed) {
        // Checkpoints never stop for long: a resident that died or was retired is replaced now.
        if (slot.resident && !slot.retired && performance.now() - slot.startedAt < RESIDENT_RESPAWN_PAUSE_MS) {
          respawn ??= setTimeout(() => {
            respawn = undefined
            ensureResident()
          }, RESIDENT_RESPAWN_PAUSE_MS)
        } else {
          ensureResident()
        }
        dispatch()
      }
    })
    slots.add(slot)
    return slot
  }

  function ensureResident (): void {
    if (checkpoints !== null && !closed && ![...slots].some((s) => s.resident && s.death === undefined)) spawn(true)
  }

  /** The resident's last checkpoint, after the job it may be running; then it exits. */
  async function stopCheckpoints (): Promise<void> {
    checkpoints = null
    const slot = [...slots].find((s) => s.resident && s.death === undefined)
    if (slot === undefined) return
    slot.retired = true
    slot.death = 'stopped with the checkpoints'
    clearTimeout(slot.idle)
    slot.worker.postMessage({ kind: 'stop-checkpoints' } satisfies StopCheckpoints)
    await slot.exited
  }

  function finish (slot: Slot): void {
    clearTimeout(slot.timer)
    slot.timer = undefined
    slot.pending = null
    // A resident that has not loaded the job modules holds nothing to give back by retiring.
    if (!closed && slot.death === undefined && (!slot.resident || slot.ranJobs)) {
      slot.idle = setTimeout(() => {
        slot.retired = true
        slot.death = 'retired after being idle'
        void slot.worker.terminate()
      }, idleMs)
    }
  }

  function dispatch (): void {
    while (queue.length > 0 && !closed) {
      let slot = [...slots].find((s) => s.pending === null && s.death === undefined)
      if (slot === undefined && slots.size < size) slot = spawn()
      if (slot === undefined) return
      const pending = queue.shift()!
      const running = slot
      clearTimeout(running.idle)
      running.idle = undefined
      running.pending = pending
      running.ranJobs = true
      running.timer = setTimeout(() => {
        running.death = `a job ran for more than ${jobTimeoutMs} ms and was stopped`
        void running.worker.terminate()
      }, jobTimeoutMs)
      running.worker.postMessage(pending.job)
    }
  }

  const work = cpuWork((job) => new Promise((resolve, reject) => {
    if (closed) {
      reject(new CpuPoolClosedError())
      return
    }
    queue.push({ job, resolve, reject })
    dispatch()
  }))

  return {
    ...work,
    get deaths () {
      return deaths
    },
    get workers () {
      return slots.size
    },
    hostCheckpoints (databasePath) {
      if (checkpoints !== null) throw new Error('the CPU pool already checkpoints a database')
      checkpoints = { databasePath, intervalMs: CHECKPOINT_INTERVAL_MS }
      ensureResident()
      return { close: stopCheckpoints }
    },
    async close () {
      closed = true
      clearTimeout(respawn)
      for (const slot of slots) clearTimeout(slot.idle)
      for (const pending of queue.splice(0)) pending.reject(new CpuPoolClosedError())
      // An idle resident checkpoints once more before it goes; one busy with a job is stopped.
      const idleResident = [...slots].find((s) => s.resident && s.death === undefined && s.pending === null)
      await Promise.all([
        ...(idleResident === undefined ? [] : [stopCheckpoints()]),
        ...[...slots].filter((s) => s !== idleResident).map((slot) => slot.worker.terminate()),
      ])
      checkpoints = null
    },
  }
}
