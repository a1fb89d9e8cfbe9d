// The checkpointing itself, for whichever worker thread runs it (sqlite-checkpointer.ts says why
// it is never the event loop's): its own connection to the service's database, a PASSIVE
// checkpoint every interval (never blocks the writer or readers), a RESTART when the WAL has grown
// past a bound (below), and a last checkpoint when stopped.
import { DatabaseSync } from 'node:sqlite'

export interface CheckpointLoopOptions {
  databasePath: string
  intervalMs: number
  /** WAL frames (pages) past which the loop restarts the WAL; RESTART_AFTER_FRAMES by default. */
  restartAfterFrames?: number
}

/**
 * Why RESTART at all: SQLite only writes the WAL from its start again when a write transaction
 * begins while every frame has been copied back. Under steady writes that moment never comes —
 * frames are appended while a PASSIVE checkpoint copies — so the WAL grew without end while
 * busy: 685 MB after 10 s of bench:ingest, for a 65 MB database, every frame written into newly
 * allocated file blocks that the kernel zeroes first. A RESTART copies what the PASSIVE before
 * it left (a few ms of writes), briefly holding the write lock, and the next COMMIT writes from
 * the WAL's start into blocks it already has; journal_size_limit (sqlite.ts) cuts the file back.
 * 16,384 frames is 64 MB, that limit: the file is mostly reused, not grown (93 MB at the most in
 * bench:drain, against 2.9 GB without the RESTART). Each RESTART holds the event
 * loop's next BEGIN for a few ms (a 16 MB bound cost a tight ingest loop ~10 µs a post in BEGIN;
 * at 64 MB a quarter as many restarts).
 */
export const RESTART_AFTER_FRAMES = 16384

/** What the service's connection cuts the WAL file back to (sqlite.ts): the RESTART bound's 16,384 frames of 4 KB pages. */
export const WAL_SIZE_LIMIT_BYTES = RESTART_AFTER_FRAMES * 4096

// While a RESTART waits for the writer or a reader, the event loop's next BEGIN waits on it: a
// short wait, and the next tick tries again.
const RESTART_BUSY_MS = 20
const PASSIVE_BUSY_MS = 1000

/** Runs on the calling (worker) thread's timers; `stop` checkpoints once more and closes. */
export function startCheckpointLoop ({ databasePath, intervalMs, restartAfterFrames = RESTART_AFTER_FRAMES }: CheckpointLoopOptions): { stop(): void } {
  const db = new DatabaseSync(databasePath)
  db.exec(`PRAGMA busy_timeout = ${PASSIVE_BUSY_MS}`)
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)')
  const run = (): void => {
    try {
      const { log } = passive.get() as { log: number }
      if (log < restartAfterFrames) return
      db.exec(`PRAGMA busy_timeout = ${RESTART_BUSY_MS}`)
      try {
        restart.get()
      } finally {
        db.exec(`PRAGMA busy_timeout = ${PASSIVE_BUSY_MS}`)
      }
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
