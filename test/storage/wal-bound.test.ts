// The WAL stays bounded under steady writes: the checkpoint thread restarts it once it has grown
// past its bound (sqlite-checkpoint-loop.ts). Without the RESTART a PASSIVE checkpoint never
// catches up with a writer that commits every millisecond or so, and the WAL only grows.
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { startCheckpointer } from '../../src/storage/sqlite-checkpointer.ts'

// 256 frames of 4 KB: the WAL restarts past ~1 MB.
const RESTART_AFTER_FRAMES = 256
const ROWS_PER_COMMIT = 20 // ~20 pages a transaction
const WRITTEN_MB = 96
const WARM_UP_MB = 16

describe('WAL bound under steady writes', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-wal-bound-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('restarts the WAL instead of letting it grow with everything written', async () => {
    const file = path.join(dir, 'w.db')
    const db = new DatabaseSync(file)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
    db.exec('PRAGMA wal_autocheckpoint = 0') // as the service's connection
    db.exec('PRAGMA busy_timeout = 5000')
    // The file is cut back to 1 MB at each restart, so its size shows how far the WAL has grown since.
    db.exec('PRAGMA journal_size_limit = 1048576')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB)')
    const checkpointer = startCheckpointer(file, { intervalMs: 50, restartAfterFrames: RESTART_AFTER_FRAMES })
    let largest = 0
    let written = 0
    try {
      const insert = db.prepare('INSERT INTO t (x) VALUES (randomblob(4000))')
      const trim = db.prepare('DELETE FROM t WHERE id <= ?')
      let id = 0
      const walPath = `${file}-wal`
      // A commit every millisecond or so, as a busy service makes them (the timer paces the load;
      // nothing waits on an outcome): the writer leaves the lock free between commits, but never
      // for as long as a PASSIVE checkpoint takes to catch up.
      while (written < WRITTEN_MB * 1024 * 1024) {
        db.exec('BEGIN IMMEDIATE')
        for (let i = 0; i < ROWS_PER_COMMIT; i++) insert.run()
        id += ROWS_PER_COMMIT
        trim.run(id - 200) // the table itself stays small: what grows is only the WAL
        db.exec('COMMIT')
        written += ROWS_PER_COMMIT * 4096
        // From 16 MB on: the worker thread takes a moment to start.
        if (written > WARM_UP_MB * 1024 * 1024) largest = Math.max(largest, statSync(walPath).size)
        await sleep(1)
      }
    } finally {
      await checkpointer.close()
      db.close()
    }
    // Bounded by the restart point plus what is written between two checkpoints: well under half
    // of what was written (3–22 MB seen); without the RESTART it reaches ~120 MB.
    assert.ok(largest < 40 * 1024 * 1024, `the WAL reached ${(largest / 1048576).toFixed(1)} MB for ${WRITTEN_MB} MB written`)
  })
})
