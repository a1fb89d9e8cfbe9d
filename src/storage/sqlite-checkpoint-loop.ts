// The checkpointing itself, for whichever worker thread runs it (sqlite-checkpointer.ts says why
// it is never the event loop's): its own connection to the service's database, a PASSIVE
// checkpoint every interval (never blocks the writer or readers), and a last one when stopped.
import { DatabaseSync } from 'node:sqlite'

export interface CheckpointLoopOptions {
  databasePath: string
  intervalMs: number
}

/** Runs on the calling (worker) thread's timers; `stop` checkpoints once more and closes. */
export function startCheckpointLoop ({ databasePath, intervalMs }: CheckpointLoopOptions): { stop(): void } {
  const db = new DatabaseSync(databasePath)
  db.exec('PRAGMA busy_timeout = 1000')
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  const run = (): void => {
    try {
      checkpoint.get()
    } catch {} // busy or locked: the next tick tries again
  }
  const timer = setInterval(run, intervalMs)
  return {
    stop () {
      clearInterval(timer)
      run()
      db.close()
    }
  }
}
