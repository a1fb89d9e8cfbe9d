// One webhook POST. Its result feeds retry scheduling and the delivery log, so every failure
// (refused address, DNS, connect, timeout, odd status) becomes a value instead of an exception.
import { type Dispatcher, request } from 'undici'

export type SendWebhookOptions = {
  /** Normally the agent from createDeliveryAgent, which enforces the address policy. */
  agent: Dispatcher
  url: string
  body: string | Uint8Array
  contentType?: string
  headers?: Record<string, string>
  /** Bound for the whole exchange: connect, send, response headers and body. */
  timeoutMs?: number
  /** Response bytes read at most; a partner cannot make us buffer or wait for more. */
  maxResponseBytes?: number
  /** Cuts the attempt short (shutdown); it then counts as failed with errorCode ABORTED. */
  signal?: AbortSignal
}

export type SendOutcome = {
  ok: boolean
  statusCode?: number
  durationMs: number
  error?: string
  /** Stable code for `error` (e.g. ECONNREFUSED, TIMEOUT, ERR_NASHRA_ADDRESS_REFUSED). */
  errorCode?: string
  responseExcerpt?: string
  /** Response body bytes read (never more than maxResponseBytes). */
  responseBytes?: number
  /** True when the response body was longer than maxResponseBytes and was cut off. */
  truncated?: boolean
  retryAfterMs?: number
}

const EXCERPT_BYTES = 4096
const USER_AGENT = 'Nashra-Webhooks/0.1'

/** Parses Retry-After (delay-seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter (
  value: string | string[] | undefined,
  now: number = Date.now()
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  // Only full dates count: Date.parse also accepts bare numbers like "-5" or "1.5".
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined
  return Math.max(0, at - now)
}

function describe (err: unknown, timedOut: boolean, timeoutMs: number) {
  if (timedOut) {
    return { errorCode: 'TIMEOUT', error: `TIMEOUT: no complete response within ${timeoutMs} ms` }
  }
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'ERROR'
  const message = typeof e?.message === 'string' ? e.message : String(err)
  return { errorCode: code, error: `${code}: ${message}` }
}

/** An answer that has no body: consumed, nothing kept. */
async function drained (body: Dispatcher.ResponseData['body']) {
  await body.dump()
  return { excerpt: '', read: 0, truncated: false }
}

/** Drains at most `cap` bytes, keeping only the first EXCERPT_BYTES for the log. */
async function readCapped (body: Dispatcher.ResponseData['body'], cap: number) {
  const kept: Buffer[] = []
  let keptBytes = 0
  let read = 0
  let truncated = false
  try {
    for await (const chunk of body) {
      const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      const take = Math.min(buf.length, cap - read)
      if (keptBytes < EXCERPT_BYTES && take > 0) {
        const piece = buf.subarray(0, Math.min(take, EXCERPT_BYTES - keptBytes))
        kept.push(piece)
        keptBytes += piece.length
      }
      read += take
      if (take < buf.length) {
        truncated = true
        break
      }
    }
  } finally {
    // Stop the transfer whether we hit the cap or failed: the rest is never wanted.
    if (!body.destroyed) body.destroy()
  }
  // stream mode drops a multi-byte character cut in half at the excerpt boundary.
  const excerpt = kept.length === 0 ? '' : new TextDecoder().decode(Buffer.concat(kept), { stream: true })
  return { excerpt, read, truncated }
}

function buildHeaders (options: SendWebhookOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT }
  // Lower-casing merges "Content-Type" and "content-type" so only one value goes out.
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value
  }
  headers['content-type'] = options.contentType ?? headers['content-type'] ?? 'application/json'
  return headers
}

export async function sendWebhook (options: SendWebhookOptions): Promise<SendOutcome> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxResponseBytes = options.maxResponseBytes ?? 65_536
  // One timer, cleared when the exchange ends. AbortSignal.timeout kept every attempt's signal
  // and timer alive for the whole timeout (30 s) after it had finished, and AbortSignal.any tied
  // each to the long-lived shutdown signal: a fan-out promoted them all to the old generation.
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const shutdown = (): void => controller.abort()
  if (options.signal?.aborted === true) controller.abort()
  else options.signal?.addEventListener('abort', shutdown, { once: true })
  const signal = controller.signal
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  let statusCode: number | undefined
  try {
    const response = await request(options.url, {
      dispatcher: options.agent,
      method: 'POST',
      body: options.body,
      headers: buildHeaders(options),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal,
    })
    statusCode = response.statusCode
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'])
    // Most partners answer 204 or an empty 2xx: nothing to read, so no stream iterator to build.
    const empty = statusCode === 204 || response.headers['content-length'] === '0'
    const { excerpt, read, truncated } = empty ? await drained(response.body) : await readCapped(response.body, maxResponseBytes)
    // 3xx lands here too: redirects are never followed, so a moved endpoint shows up as a failure.
    return {
      ok: statusCode >= 200 && statusCode < 300,
      statusCode,
      durationMs: elapsed(),
      ...(excerpt === '' ? {} : { responseExcerpt: excerpt }),
      responseBytes: read,
      truncated,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }
  } catch (err) {
    return {
      ok: false,
      ...(statusCode === undefined ? {} : { statusCode }),
      durationMs: elapsed(),
      ...(options.signal?.aborted === true
        ? { errorCode: 'ABORTED', error: 'ABORTED: cut short by shutdown' }
        : describe(err, timedOut, timeoutMs)),
    }
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', shutdown)
  }
}
