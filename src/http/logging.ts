// Logger settings: what may reach the log. Secrets never do: the Authorization header is
// redacted wherever a request is logged, and errors are serialised without the raw bytes some
// carry (Node's parser errors hold the whole request as `rawPacket`; Buffers anywhere are left out).
import type { FastifyServerOptions } from 'fastify'

const REDACTED_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'webhook-signature']

/** An error as plain fields: name, message, code, stack and cause, never its byte payloads. */
export function serializeError (err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack }
  for (const [key, value] of Object.entries(err)) {
    if (key === 'rawPacket' || Buffer.isBuffer(value) || value instanceof Uint8Array) continue
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value
  }
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1)
  if (err instanceof AggregateError && depth < 3) out.errors = err.errors.map((e) => serializeError(e, depth + 1))
  return out
}

export function loggerOptions (level: string, stream?: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    redact: REDACTED_HEADERS.flatMap((h) => [`req.headers.${h}`, `request.headers.${h}`, `headers.${h}`]),
    serializers: { err: serializeError as never, error: serializeError as never }
  }
}
