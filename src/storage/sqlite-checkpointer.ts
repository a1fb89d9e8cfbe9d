// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
// crosses the threshold, copying thousands of pages and syncing the database file on the thread
// that serves requests: a stall every few dozen transactions under load. Here a worker thread with
// its own connection checkpoints (PASSIVE: never blocks the writer or readers) on a timer, and the
// service's connection turns the automatic one off. The service runs the loop on its CPU worker
// thread (pipeline/cpu-worker.ts: one isolate fewer, ~10 MB); a storage opened alone (tools,
// tests) starts a thread of its own for it, below.
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { siblingModule } from '../sibling-module.ts'
import type { CheckpointLoopOptions } from './sqlite-checkpoint-loop.ts'

/** How often the worker copies the WAL back; it also bounds how far the WAL grows between. */
export const CHECKPOINT_INTERVAL_MS = 250

export interface Checkpointer {
  /** Resolves once the last checkpoint has run and the checkpointing connection is closed. */
  close(): Promise<void>
}

/** Starts checkpointing the database at this path on some thread other than the event loop. */
export type StartCheckpointer = (databasePath: string) => Checkpointer

/** `tuning`: tests' shorter interval and lower RESTART bound (sqlite-checkpoint-loop.ts). */
export function startCheckpointer (databasePath: string, tuning: Partial<Omit<CheckpointLoopOptions, 'databasePath'>> = {}): Checkpointer {
  const options: CheckpointLoopOptions = { databasePath, intervalMs: CHECKPOINT_INTERVAL_MS, ...tuning }
  const worker = new Worker(siblingModule('sqlite-checkpoint-worker', import.meta.url), {
    workerData: options,
    // Small: it holds one connection and a timer.
    resourceLimits: { maxOldGenerationSizeMb: 16 }
  })
  // A failed checkpoint only lets the WAL grow until the next one; never the service's concern.
  worker.on('error', () => {})
  const exited = once(worker, 'exit')
  return {
    async close () {
      // The worker runs a last checkpoint, closes its connection and exits.
      worker.postMessage('stop')
      await exited
    }
  }
}
