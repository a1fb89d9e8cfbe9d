// `npm run emulator`: the translation emulator as its own process, so a developer can run the
// service (or the demo) against pseudo-translations without Google credentials.
//   EMULATOR_PORT  port to listen on (default 0: an ephemeral port, printed below)
//   EMULATOR_HOST  interface to bind (default 127.0.0.1: nothing outside the machine reaches it)
//   EMULATOR_FAULT_RATE  share of translateText calls that fail like Google under load (0…1, default 0)
//   EMULATOR_FAULT_SEED  seed of the fault sequence (default 1), to replay a run
//   EMULATOR_LATENCY     how long every answer takes, e.g. "250ms" like Google (default 0)
import { parseDurations } from '../../config-values.ts'
import { randomFaults } from './faults.ts'
import { startEmulator } from './server.ts'

function readPort (value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EMULATOR_PORT must be an integer from 0 to 65535, got "${value}"`)
  }
  return port
}

function readRate (value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0
  const rate = Number(value)
  if (!(rate >= 0 && rate <= 1)) throw new Error(`EMULATOR_FAULT_RATE must be a number from 0 to 1, got "${value}"`)
  return rate
}

function readLatency (value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0
  const ms = parseDurations(value.trim())
  if (ms === undefined || ms.length !== 1) throw new Error(`EMULATOR_LATENCY must be one duration like "250ms" (units ms, s, m), got "${value}"`)
  return ms[0]!
}

async function main (): Promise<void> {
  const rate = readRate(process.env['EMULATOR_FAULT_RATE'])
  const seed = Number(process.env['EMULATOR_FAULT_SEED'] ?? '1')
  const emulator = await startEmulator({
    host: process.env['EMULATOR_HOST']?.trim() || '127.0.0.1',
    port: readPort(process.env['EMULATOR_PORT']),
    delayMs: readLatency(process.env['EMULATOR_LATENCY']),
  })
  if (rate > 0) emulator.script(randomFaults({ rate, seed: Number.isFinite(seed) ? seed : 1 }))
  const base = emulator.url.origin
  console.log(`Translation emulator listening on ${base}  — set TRANSLATE_API_ENDPOINT=${base}`)
  if (rate > 0) console.log(`Failing ${Math.round(rate * 100)}% of translateText calls (429, 503, 403 quota, hang)`)

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`Translation emulator stopping (${signal}) after ${emulator.requests.length} requests`)
    emulator.close().then(
      () => {
        process.exitCode = 0
      },
      (err: unknown) => {
        console.error('Translation emulator failed to close:', err)
        process.exitCode = 1
      }
    )
  }
  // once: a second Ctrl-C falls through to Node's default handling and ends the process at once.
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exitCode = 1
})
