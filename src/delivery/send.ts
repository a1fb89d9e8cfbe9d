// One webhook POST. Its result feeds retry scheduling and the delivery log, so every failure
// (refused address, DNS, connect, timeout, odd status) becomes a value instead of an exception.
import type { Dispatcher } from 'undici'
import { boundedMemo } from '../bounded-memo.ts'

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

/** Where a webhook URL points, parsed once per distinct URL (a fan-out sends to the same few). */
const targetOf = boundedMemo(256, (url: string): { origin: string; path: string } => {
  const parsed = new URL(url)
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
})

function buildHeaders (options: SendWebhookOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT }
  const given = options.headers
  // Lower-casing merges "Content-Type" and "content-type" so only one value goes out.
  for (const name in given) headers[name.toLowerCase()] = given[name]!
  headers['content-type'] = options.contentType ?? headers['content-type'] ?? 'application/json'
  return headers
}

/**
 * Sends the POST through undici's dispatcher interface and reads the answer as it arrives: at
 * most maxResponseBytes, of which the first EXCERPT_BYTES are kept. undici's request() wraps each
 * answer in a readable stream and a promise of its own, which a fan-out of thousands of webhooks
 * a second, nearly all answered with an empty 2xx, paid for on the event loop for nothing.
 */
export function sendWebhook (options: SendWebhookOptions): Promise<SendOutcome> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxResponseBytes = options.maxResponseBytes ?? 65_536
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise<SendOutcome>((resolve) => {
    let controller: Dispatcher.DispatchController | null = null
    // Why the attempt was cut short, once it was: the answer names it rather than undici's error.
    let cut: 'timeout' | 'shutdown' | null = null
    let statusCode: number | undefined
    let retryAfterMs: number | undefined
    const kept: Buffer[] = []
    let keptBytes = 0
    let read = 0
    let settled = false

    const settle = (outcome: SendOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', shutdown)
      resolve(outcome)
    }
    const failed = (err: unknown): void => settle({
      ok: false,
      ...(statusCode === undefined ? {} : { statusCode }),
      durationMs: elapsed(),
      ...(cut === 'shutdown' ? { errorCode: 'ABORTED', error: 'ABORTED: cut short by shutdown' } : describe(err, cut === 'timeout', timeoutMs))
    })
    const answered = (truncated: boolean): void => {
      // stream mode drops a multi-byte character cut in half at the excerpt boundary.
      const excerpt = kept.length === 0 ? '' : new TextDecoder().decode(Buffer.concat(kept), { stream: true })
      // 3xx lands here too: redirects are never followed, so a moved endpoint shows up as a failure.
      settle({
        ok: statusCode! >= 200 && statusCode! < 300,
        statusCode: statusCode!,
        durationMs: elapsed(),
        ...(excerpt === '' ? {} : { responseExcerpt: excerpt }),
        responseBytes: read,
        truncated,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs })
      })
    }
    // Cuts the exchange short; before undici has started the request, as soon as it does.
    const cutShort = (c: Dispatcher.DispatchController): void => c.abort(new Error(cut === 'timeout' ? 'TIMEOUT' : 'ABORTED'))
    const stop = (why: 'timeout' | 'shutdown'): void => {
      cut ??= why
      if (controller !== null) cutShort(controller)
    }
    // One timer, cleared when the exchange ends: a timer and listener per attempt kept alive
    // for the whole timeout afterwards got promoted to the old generation by a fan-out.
    const timer = setTimeout(() => stop('timeout'), timeoutMs)
    const shutdown = (): void => stop('shutdown')
    if (options.signal?.aborted === true) {
      cut = 'shutdown'
      failed(null)
      return
    }
    options.signal?.addEventListener('abort', shutdown, { once: true })

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart (c) {
        controller = c
        if (cut !== null) cutShort(c)
      },
      onResponseStart (_c, status, headers) {
        if (status < 200) return // an informational answer; the real one follows
        statusCode = status
        retryAfterMs = parseRetryAfter(headers['retry-after'])
      },
      onResponseData (c, chunk) {
        const take = Math.min(chunk.length, maxResponseBytes - read)
        if (keptBytes < EXCERPT_BYTES && take > 0) {
          const piece = chunk.subarray(0, Math.min(take, EXCERPT_BYTES - keptBytes))
          kept.push(piece)
          keptBytes += piece.length
        }
        read += take
        if (take < chunk.length) {
          // Over the cap: what was read is the answer, and the rest is never wanted.
          answered(true)
          c.abort(new Error('response over maxResponseBytes'))
        }
      },
      onResponseEnd () {
        answered(false)
      },
      onResponseError (_c, err) {
        failed(err)
      }
    }
    try {
      const { origin, path } = targetOf(options.url)
      options.agent.dispatch({
        origin,
        path,
        method: 'POST',
        body: options.body,
        headers: buildHeaders(options),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs
      }, handler)
    } catch (err) {
      failed(err)
    }
  })
}
