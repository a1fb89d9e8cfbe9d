// Start-up failures as one line an operator can act on, instead of a JSON log record with a
// stack: the port is taken, the address is wrong, the database cannot be opened or reached.
import type { Config } from './config.ts'

type SystemError = Error & { code?: string; syscall?: string; path?: string; address?: string; port?: number }

export function describeStartupFailure (err: unknown, config: Pick<Config, 'host' | 'port' | 'databasePath' | 'databaseUrl'>,
  stage: 'build' | 'listen'): string {
  const e = (err instanceof Error ? err : new Error(String(err))) as SystemError
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
  const database = config.databaseUrl === undefined ? `the SQLite database ${config.databasePath}` : 'PostgreSQL (DATABASE_URL)'
  if (stage === 'listen') {
    switch (e.code) {
      case 'EADDRINUSE': return `cannot listen on ${where}: the port is already in use (EADDRINUSE). Stop the process holding it, or set PORT to a free port.`
      case 'EACCES': return `cannot listen on ${where}: permission denied (EACCES). Ports below 1024 need privileges: set PORT to 1024 or above.`
      case 'EADDRNOTAVAIL': return `cannot listen on ${where}: HOST is not an address of this machine (EADDRNOTAVAIL). Use 127.0.0.1, 0.0.0.0 or one of its addresses.`
      case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot listen on ${where}: HOST "${config.host}" does not resolve (${e.code}).`
      default: return `cannot listen on ${where}: ${e.message}${e.code === undefined ? '' : ` (${e.code})`}.`
    }
  }
  switch (e.code) {
    case 'ECONNREFUSED': case 'ENOTFOUND': case 'EAI_AGAIN': case 'ETIMEDOUT': case 'EHOSTUNREACH':
      return `cannot reach ${database}: ${oneLine(e.message)} (${e.code}). Is the server running, and is DATABASE_URL right?`
    case 'ERR_SQLITE_ERROR': case 'ENOTDIR': case 'EACCES': case 'EROFS': case 'EEXIST':
      return `cannot open ${database}: ${oneLine(e.message)} (${e.code}). Check DATABASE_PATH and the directory's permissions.`
    case '28P01': case '28000': case '3D000':
      return `cannot use ${database}: ${oneLine(e.message)} (PostgreSQL ${e.code}).`
    default:
      return `could not start: ${oneLine(e.message)}${e.code === undefined ? '' : ` (${e.code})`}.`
  }
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim()
