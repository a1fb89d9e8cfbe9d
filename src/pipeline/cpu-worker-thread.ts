// The worker thread's side of cpu-worker.ts: one job per message, answered with its outcome.
import { parentPort } from 'node:worker_threads'
import { type CpuJob, settleCpuJob } from './cpu-jobs.ts'

const port = parentPort
if (port === null) throw new Error('cpu-worker-thread.ts runs only as a worker thread')
port.on('message', (job: CpuJob) => {
  port.postMessage(settleCpuJob(job))
})
