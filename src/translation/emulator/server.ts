// The project's own stand-in for Google's Cloud Translation v3 REST API, on plain node:http so it
// has no framework behaviour of its own to get in the way (content-type parsing, error pages).
// The real Google client is pointed at it in tests and in local development; tests can script
// faults to see how the client surfaces them.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { detectLanguageReply, googleError, translateText } from './google-api.ts'
import type { ApiReply, EmulatorGlossary } from './google-api.ts'

/**
 * What the emulator does with one API request instead of (or before) answering normally.
 * A union so later kinds (quota limits, glossary errors…) slot in without changing the API.
 */
export type Behaviour =
  | { kind: 'fail'; status: number; message?: string | undefined; retryDelaySeconds?: number | undefined }
  /** Never answers; the socket stays open until the client gives up or the emulator closes. */
  | { kind: 'hang' }
  /** Answers with exactly this, e.g. `{}` to see how a client copes with a short reply. */
  | { kind: 'reply'; status: number; body: unknown }
  /** Answers normally, but only after ms (instead of the emulator's latency): out-of-order replies. */
  | { kind: 'delay'; ms: number }
  /** Destroys the connection without answering: the client sees ECONNRESET. */
  | { kind: 'reset' }

export interface LoggedRequest {
  method: string
  /** Path without the query, e.g. `/v3/projects/p/locations/global:translateText`. */
  path: string
  /** Raw query string including `?`, or '' (the client sends `?$alt=json%3Benum-encoding=int`). */
  query: string
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown
  at: Date
}

export interface EmulatorOptions {
  host?: string
  /** 0 (the default) picks an ephemeral port. */
  port?: number
  /** Wait this long before answering every API request, to make calls observably slow (EMULATOR_LATENCY). */
  delayMs?: number
  /** Glossary resources by full name (projects/…/locations/…/glossaries/…). */
  glossaries?: Record<string, EmulatorGlossary>
}

/** The body of a logged translateText request, as the Google client sent it. */
export interface TranslateTextBody {
  contents: string[]
  mimeType?: string
  sourceLanguageCode?: string
  targetLanguageCode: string
  model?: string
  glossaryConfig?: { glossary: string; ignoreCase?: boolean }
}

export interface Emulator {
  url: URL
  /** Every request received, oldest first, including rejected ones. */
  readonly requests: LoggedRequest[]
  /** The next API request fails with this HTTP status and Google's error envelope. */
  failNext(fault: { status: number; message?: string; retryDelaySeconds?: number }): void
  hangNext(): void
  replyNext(body: unknown, status?: number): void
  /** Queues any behaviour; the failNext/hangNext/replyNext helpers are shorthands for this. */
  enqueue(behaviour: Behaviour): void
  /** Consulted for each API request when the queue is empty; return undefined to answer normally. */
  script(fn: ((request: LoggedRequest) => Behaviour | undefined) | undefined): void
  /** Resolves once at least `count` requests have been logged in total. */
  waitForRequests(count: number): Promise<LoggedRequest[]>
  /** The bodies of every translateText request logged so far, oldest first (answered or not). */
  translateRequests(): TranslateTextBody[]
  /** Adds or replaces a glossary resource. */
  defineGlossary(name: string, glossary: EmulatorGlossary): void
  /** API requests received and not yet answered (hanging ones included), now and at most. */
  concurrency(): { inFlight: number; peak: number }
  resetPeak(): void
  /** Stops listening (and drops open connections): clients get ECONNREFUSED until accept(). */
  refuse(): Promise<void>
  /** Listens again on the same port. */
  accept(): Promise<void>
  close(): Promise<void>
}

// Google refuses payloads over 10 MiB with this very message.
const MAX_BODY_BYTES = 10 * 1024 * 1024

const API_PATH = /^\/v3\/(projects\/[^/:]+\/locations\/[^/:]+):(translateText|detectLanguage)$/

export async function startEmulator (options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1'
  const delayMs = options.delayMs ?? 0
  const requests: LoggedRequest[] = []
  const queue: Behaviour[] = []
  const timers = new Set<NodeJS.Timeout>()
  let waiters: Array<{ count: number; resolve: (r: LoggedRequest[]) => void; reject: (e: Error) => void }> = []
  let scripted: ((request: LoggedRequest) => Behaviour | undefined) | undefined
  const glossaries = new Map(Object.entries(options.glossaries ?? {}))
  let closing: Promise<void> | undefined
  let inFlight = 0
  let peak = 0

  const log = (entry: LoggedRequest): void => {
    requests.push(entry)
    const ready = waiters.filter((w) => requests.length >= w.count)
    waiters = waiters.filter((w) => requests.length < w.count)
    for (const w of ready) w.resolve(requests.slice())
  }

  const send = (res: ServerResponse, reply: ApiReply): void => {
    const payload = JSON.stringify(reply.body)
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(payload),
    })
    res.end(payload)
  }

  const answer = (res: ServerResponse, reply: ApiReply, ms = delayMs): void => {
    if (ms <= 0) {
      send(res, reply)
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!res.destroyed) send(res, reply)
    }, ms)
    timers.add(timer)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = new URL(req.url ?? '/', 'http://emulator.invalid')
    const raw = await readBody(req)
    const parsed = raw === undefined || raw === '' ? undefined : parseJson(raw)
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: target.pathname,
      query: target.search,
      body: parsed === undefined ? raw : parsed.ok ? parsed.value : raw,
      at: new Date(),
    }
    log(entry)

    const route = API_PATH.exec(target.pathname)
    if (route === null || req.method !== 'POST') {
      return send(res, googleError(404, `Method not found: ${req.method} ${target.pathname}`))
    }
    const behaviour = queue.shift() ?? scripted?.(entry)
    if (behaviour?.kind === 'hang') return
    if (behaviour?.kind === 'reset') {
      req.socket.destroy()
      return
    }
    if (behaviour?.kind === 'reply') return answer(res, { status: behaviour.status, body: behaviour.body })
    if (behaviour?.kind === 'fail') {
      const message = behaviour.message ?? `Scripted failure (HTTP ${behaviour.status}).`
      return answer(res, googleError(behaviour.status, message, behaviour))
    }

    if (raw === undefined) {
      return answer(res, googleError(400, `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`))
    }
    if (parsed?.ok === false) {
      return answer(res, googleError(400, 'Invalid JSON payload received. Unexpected token.'))
    }
    const body = parsed?.value ?? {}
    const [, parent = '', method] = route
    const reply = method === 'translateText' ? translateText(parent, body, glossaries) : detectLanguageReply(body)
    answer(res, reply, behaviour?.kind === 'delay' ? behaviour.ms : delayMs)
  }

  const server = createServer((req, res) => {
    // Counted from arrival until the answer is written or the connection goes: what the engine
    // has "in flight", which is how benches and tests see the service's real concurrency.
    inFlight++
    peak = Math.max(peak, inFlight)
    let counted = true
    const done = (): void => {
      if (!counted) return
      counted = false
      inFlight--
    }
    res.once('finish', done)
    res.once('close', done)
    handle(req, res).catch((err: unknown) => {
      // A bug here must not take the test process down; answer like Google's 500 instead.
      if (!res.headersSent && !res.destroyed) send(res, googleError(500, `Emulator error: ${String(err)}`))
    })
  })

  const listen = (port: number): Promise<void> => new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  await listen(options.port ?? 0)
  const { port } = server.address() as AddressInfo
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}`)

  const enqueue = (behaviour: Behaviour): void => {
    queue.push(behaviour)
  }

  return {
    url,
    requests,
    enqueue,
    failNext: (fault) => enqueue({ kind: 'fail', ...fault }),
    hangNext: () => enqueue({ kind: 'hang' }),
    replyNext: (body, status = 200) => enqueue({ kind: 'reply', status, body }),
    script: (fn) => {
      scripted = fn
    },
    translateRequests: () => requests
      .filter((r) => r.path.endsWith(':translateText') && typeof r.body === 'object' && r.body !== null)
      .map((r) => r.body as TranslateTextBody),
    defineGlossary: (name, glossary) => {
      glossaries.set(name, glossary)
    },
    concurrency: () => ({ inFlight, peak }),
    resetPeak: () => {
      peak = inFlight
    },
    refuse: () => new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve()
      server.close((err) => (err ? reject(err) : resolve()))
      server.closeAllConnections()
    }),
    accept: async () => {
      if (!server.listening) await listen(port)
    },
    waitForRequests: (count) => {
      if (requests.length >= count) return Promise.resolve(requests.slice())
      if (closing) return Promise.reject(new Error('Emulator is closed'))
      return new Promise((resolve, reject) => {
        waiters.push({ count, resolve, reject })
      })
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        for (const w of waiters) w.reject(new Error(`Emulator closed after ${requests.length} requests`))
        waiters = []
        if (!server.listening) {
          resolve()
          return
        }
        server.close((err) => (err ? reject(err) : resolve()))
        // Hanging requests and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/** Resolves to the body text, or undefined when it is larger than Google accepts. */
// Event-based rather than for-await: leaving a for-await loop early destroys the request, and
// with it the socket the 400 should be written to. Oversized bodies are drained, not kept.
function readBody (req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseJson (raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown }
  } catch {
    return { ok: false }
  }
}
