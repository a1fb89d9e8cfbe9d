// Runs the real service entry (`node src/server.ts`, or the build's dist/src/server.js) as a
// child process, for tests that need a process to die (kill -9) and another to take over the same
// database, and for the benches.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'
import { repoRoot } from './conformance.ts'

/**
 * The V8 flags the service is started with, as `npm start` and the Dockerfile's CMD do (the
 * README's "Memory" part says why; test/memory-flags.test.ts keeps the three in step).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20']

export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export interface ServiceProcess {
  base: string
  child: ChildProcess
  /** Everything the process wrote, for failure messages. */
  output(): string
  /** Sends the signal and resolves with the exit code or signal once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** The service run from its sources, as `npm start` does. */
export const SOURCE_ENTRY = path.join(repoRoot, 'src', 'server.ts')

/** `entry`: the sources by default, or a build's dist/src/server.js (scripts/build.ts). */
export async function startServiceProcess (env: Record<string, string>, timeoutMs = 15_000, entry = SOURCE_ENTRY): Promise<ServiceProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
    cwd: repoRoot,
    // MALLOC_ARENA_MAX as the Dockerfile sets it.
    env: { PATH: process.env.PATH ?? '', MALLOC_ARENA_MAX: '2', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', MAX_EVENT_LOOP_DELAY: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (c: Buffer) => { output += c.toString() })
  child.stderr?.on('data', (c: Buffer) => { output += c.toString() })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  const base = `http://127.0.0.1:${port}`
  const proc: ServiceProcess = {
    base,
    child,
    output: () => output,
    async stop (signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    }
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited early (${child.exitCode}):\n${output}`)
    try {
      if ((await fetch(`${base}/ready`)).ok) return proc
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await proc.stop('SIGKILL')
  throw new Error(`service not ready within ${timeoutMs} ms:\n${output}`)
}
