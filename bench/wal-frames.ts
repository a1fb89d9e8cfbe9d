// Pages a storage call writes, for the storage benches (version-steps.ts, outbox-steps.ts): a side
// connection reads the WAL's length (PRAGMA wal_checkpoint(PASSIVE) answers it) before and after
// the call. A call whose transaction restarted the WAL (the checkpoint sequence in the WAL header
// moved; a restart happens only as a write transaction begins) wrote what the WAL holds after it.
import { closeSync, openSync, readSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'

export interface WalFrameCounter {
  /** Runs the call and returns its result, adding the frames it wrote to `frames`. */
  count<T>(run: () => Promise<T>): Promise<T>
  readonly frames: number
  close(): void
}

export function walFrameCounter (file: string): WalFrameCounter {
  const probe = new DatabaseSync(file)
  const wal = openSync(`${file}-wal`, 'r')
  const header = Buffer.alloc(16)
  const pause = new Int32Array(new SharedArrayBuffer(4))
  let frames = 0
  const walFrames = (): number => {
    // While the service's checkpointer (a worker thread) checkpoints, the pragma answers busy (-1).
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const log = Number(probe.prepare('PRAGMA wal_checkpoint(PASSIVE)').get()!.log)
      if (log >= 0) return log
      Atomics.wait(pause, 0, 0, 1)
    }
    throw new Error('the WAL stayed busy for 10 s')
  }
  const restarts = (): number => {
    readSync(wal, header, 0, 16, 0)
    return header.readUInt32BE(12)
  }
  return {
    async count (run) {
      const before = walFrames()
      const restartsBefore = restarts()
      const result = await run()
      const after = walFrames()
      frames += restarts() === restartsBefore ? after - before : after
      return result
    },
    get frames () {
      return frames
    },
    close () {
      closeSync(wal)
      probe.close()
    }
  }
}
