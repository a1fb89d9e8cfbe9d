// The worker thread's side of cpu-worker.ts: one job per message, answered with its outcome, in
// order. The pool's resident worker also runs the database's WAL checkpoints between jobs
// (storage/sqlite-checkpointer.ts says why never on the event loop), until told to stop.
import { parentPort, workerData } from 'node:worker_threads'
import { type CheckpointLoopOptions, startCheckpointLoop } from '../storage/sqlite-checkpoint-loop.ts'
import type { CpuJob } from './cpu-jobs.ts'

/** The pool's word to its resident worker: last checkpoint, close the connection, exit. */
export interface StopCheckpoints { kind: 'stop-checkpoints' }

const port = parentPort
if (port === null) throw new Error('cpu-worker-thread.ts runs only as a worker thread')
const { checkpoint } = (workerData ?? {}) as { checkpoint?: CheckpointLoopOptions }
const loop = checkpoint === undefined ? null : startCheckpointLoop(checkpoint)
// The job modules (segmenting, rendering) load with the first job: a resident worker that has
// only checkpointed so far holds none of them.
let jobs: Promise<typeof import('./cpu-jobs.ts')> | undefined
let last: Promise<unknown> = Promise.resolve()
port.on('message', (msg: CpuJob | StopCheckpoints) => {
  if (msg.kind === 'stop-checkpoints') {
    loop?.stop()
    // After the job in hand, if any, has been answered.
    void last.then(() => port.close())
    return
  }
  jobs ??= import('./cpu-jobs.ts')
  last = jobs.then(({ settleCpuJob }) => port.postMessage(settleCpuJob(msg)))
})
