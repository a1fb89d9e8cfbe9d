// A partner's webhook endpoint for tests: a real HTTP server on an ephemeral loopback port that
// records what arrives and answers with whatever status the test scripts. Each sink listens on a
// path of its own: test files run in parallel processes, and a request another process meant for a
// server whose ephemeral port this sink now holds is answered 404 and not recorded.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: Date
}

/** A status, a status with headers, 'hang' (never answer), or undefined for 204. */
export type SinkAnswer = number | { status: number; headers?: Record<string, string> } | 'hang' | undefined

export interface Sink {
  url: string
  received: Received[]
  /** How to answer the nth request (0-based). */
  respond(fn: (index: number, req: Received) => SinkAnswer): void
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>
  close(): Promise<void>
}

export async function startSink (): Promise<Sink> {
  const received: Received[] = []
  let responder: (index: number, req: Received) => SinkAnswer = () => undefined
  let waiters: Array<{ count: number; resolve: () => void }> = []
  const path = `/hook/${randomBytes(8).toString('hex')}`
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== path) {
      req.resume()
      res.writeHead(404).end()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: new Date() }
      const index = received.push(entry) - 1
      const answer = responder(index, entry)
      if (answer !== 'hang') {
        const { status, headers } = typeof answer === 'object' ? answer : { status: answer ?? 204, headers: {} }
        res.writeHead(status, headers)
        res.end()
      }
      const ready = waiters.filter((w) => received.length >= w.count)
      waiters = waiters.filter((w) => received.length < w.count)
      for (const w of ready) w.resolve()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respond (fn) { responder = fn },
    waitFor (count, timeoutMs = 15_000) {
      if (received.length >= count) return Promise.resolve(received.slice())
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sink got ${received.length} of ${count} requests in ${timeoutMs} ms`)), timeoutMs)
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(received.slice()) } })
      })
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    }
  }
}
