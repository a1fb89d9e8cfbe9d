// The checkpoint worker (see sqlite-checkpointer.ts): its own connection to the service's
// database, a PASSIVE checkpoint every interval, and a last one when told to stop.
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'

const { databasePath, intervalMs } = workerData as { databasePath: string; intervalMs: number }
const db = new DatabaseSync(databasePath)
db.exec('PRAGMA busy_timeout = 1000')
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
const timer = setInterval(() => {
  try {
    checkpoint.get()
  } catch {} // busy or locked: the next tick tries again
}, intervalMs)

parentPort?.on('message', (msg) => {
  if (msg !== 'stop') return
  clearInterval(timer)
  try {
    checkpoint.get()
  } catch {}
  db.close()
  parentPort?.close()
})
