// The checkpoint worker of a storage that has no other thread to checkpoint on (see
// sqlite-checkpointer.ts): the loop, and a last checkpoint when told to stop.
import { parentPort, workerData } from 'node:worker_threads'
import { type CheckpointLoopOptions, startCheckpointLoop } from './sqlite-checkpoint-loop.ts'

const loop = startCheckpointLoop(workerData as CheckpointLoopOptions)

parentPort?.on('message', (msg) => {
  if (msg !== 'stop') return
  loop.stop()
  parentPort?.close()
})
