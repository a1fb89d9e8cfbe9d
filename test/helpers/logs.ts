// Collects an app's log output (pino JSON lines) in memory, for tests that read what was logged.
import { Writable } from 'node:stream'

export interface LogCapture {
  stream: Writable
  /** Everything written so far, as text. */
  text(): string
  /** Every line parsed as JSON (lines that are not JSON are skipped). */
  entries(): Array<Record<string, unknown>>
}

export function captureLogs (): LogCapture {
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
      callback()
    }
  })
  return {
    stream,
    text: () => chunks.join(''),
    entries: () => chunks.join('').split('\n').flatMap((line) => {
      try {
        return line.trim() === '' ? [] : [JSON.parse(line) as Record<string, unknown>]
      } catch {
        return []
      }
    })
  }
}
