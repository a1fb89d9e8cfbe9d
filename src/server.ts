// The entry point: load config, build, listen, and shut down cleanly on SIGTERM/SIGINT. A
// failure to start prints one readable line on stderr and exits non-zero.
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { type Config, ConfigError, loadConfig } from './config.ts'
import { describeStartupFailure } from './startup-error.ts'

function configOrExit (): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(78) // EX_CONFIG
  }
}

const config = configOrExit()

/** One readable line on stderr and a non-zero exit: no stack for the operator to decode. */
function failStartup (err: unknown, stage: 'build' | 'listen'): void {
  process.stderr.write(`nashra: ${describeStartupFailure(err, config, stage)}\n`)
  process.exitCode = 1
}

async function build (): Promise<FastifyInstance | null> {
  try {
    return await buildApp(config, {
      // /health and /ready answer before the pipeline takes its first version.
      startWorkers: 'after-listen',
      onAdminKeyGenerated (key) {
        // Printed once, straight to the terminal and never to the log stream: only the hash is kept.
        process.stdout.write(`\nNo ADMIN_API_KEY was set, so one was generated. It is shown this once:\n\n  ${key}\n\n` +
          'Keep it safe; Nashra stores only its hash. Set ADMIN_API_KEY to choose your own.\n\n')
      }
    })
  } catch (err) {
    // buildApp has closed whatever it opened: the process ends by itself.
    failStartup(err, 'build')
    return null
  }
}

// Past SHUTDOWN_GRACE, in-flight work is cut and closing takes moments; should anything still hold
// the process (an engine call that does not honour its timeout, a stuck socket), it exits anyway.
// Nothing is lost: every hand-over is a committed row, and leases are released at the next start.
const SHUTDOWN_BACKSTOP_MS = config.delivery.shutdownGraceMs + 4_000

async function serve (app: FastifyInstance): Promise<void> {
  let closing = false
  async function shutdown (signal: string): Promise<void> {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: no new work, finishing what is in flight')
    const backstop = setTimeout(() => {
      app.log.error({ signal, afterMs: SHUTDOWN_BACKSTOP_MS }, 'shutdown did not finish in time; exiting now')
      process.exit(1)
    }, SHUTDOWN_BACKSTOP_MS)
    try {
      await app.close()
      process.exitCode = 0
    } catch (err) {
      app.log.error({ err }, 'error while shutting down')
      process.exitCode = 1
    } finally {
      clearTimeout(backstop)
    }
  }
  process.once('SIGTERM', () => { void shutdown('SIGTERM') })
  process.once('SIGINT', () => { void shutdown('SIGINT') })

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    failStartup(err, 'listen')
    closing = true
    process.removeAllListeners('SIGTERM').removeAllListeners('SIGINT')
    await app.close()
  }
}

const app = await build()
if (app !== null) await serve(app)
