// Pages a storage call writes, for the storage benches (version-steps.ts, outbox-steps.ts): a side
// connection reads the WAL's length (PRAGMA wal_checkpoint(PASSIVE) answers it) before and after
// the call. A call whose transaction restarted the WAL (the checkpoint sequence in the WAL header
// moved; a restart happens only as a write transaction begins) wrote what the WAL holds after it.
// Each frame's header names the page it holds, so the frames of calls counted under a label can
// be attributed to the tables and indexes owning those pages: SQLite's dbstat table, read after
// every OWNERS_EVERY labelled calls (it reads the whole file), since a page a B-tree frees is
// soon reused by another. A page freed and reused within those calls counts for its new owner.
import { closeSync, openSync, readSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'

export interface WalFrameCounter {
  /** Runs the call and returns its result, adding the frames it wrote to `frames` (and to `label`'s). */
  count<T>(run: () => Promise<T>, label?: string): Promise<T>
  readonly frames: number
  /** Frames written under each label, by the table or index their page belongs to. */
  byBtree(): Map<string, Map<string, number>>
  close(): void
}

const OWNERS_EVERY = 10

export function walFrameCounter (file: string): WalFrameCounter {
  const probe = new DatabaseSync(file)
  const wal = openSync(`${file}-wal`, 'r')
  const header = Buffer.alloc(16)
  const frameHeader = Buffer.alloc(4)
  const counts = new Map<string, Map<string, number>>()
  let unowned: Array<{ label: string; pages: number[] }> = []
  /** Attributes the pages written since the last call to their owners now. */
  const attribute = (): void => {
    if (unowned.length === 0) return
    const owner = new Map<number, string>()
    for (const row of probe.prepare('SELECT name, pageno FROM dbstat').all()) owner.set(Number(row.pageno), String(row.name))
    for (const { label, pages } of unowned) {
      const byName = counts.get(label) ?? new Map<string, number>()
      counts.set(label, byName)
      for (const page of pages) {
        const name = owner.get(page) ?? '(free)'
        byName.set(name, (byName.get(name) ?? 0) + 1)
      }
    }
    unowned = []
  }
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
  /** The page numbers held by frames [from, to) of the WAL (a frame: 24-byte header, then the page). */
  let frameSize = 0
  const pagesOf = (from: number, to: number): number[] => {
    if (frameSize === 0) {
      // The page size never changes once the WAL exists.
      readSync(wal, header, 0, 16, 0)
      frameSize = 24 + header.readUInt32BE(8)
    }
    const held: number[] = []
    for (let i = from; i < to; i++) {
      readSync(wal, frameHeader, 0, 4, 32 + i * frameSize)
      held.push(frameHeader.readUInt32BE(0))
    }
    return held
  }
  return {
    async count (run, label) {
      const before = walFrames()
      const restartsBefore = restarts()
      const result = await run()
      const after = walFrames()
      const first = restarts() === restartsBefore ? before : 0
      frames += after - first
      if (label !== undefined) {
        unowned.push({ label, pages: pagesOf(first, after) })
        if (unowned.length >= OWNERS_EVERY) attribute()
      }
      return result
    },
    byBtree () {
      attribute()
      return new Map([...counts].map(([label, byName]) => [label, new Map([...byName].sort((a, b) => b[1] - a[1]))]))
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
