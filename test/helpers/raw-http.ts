// Sends raw bytes to a server and reads whatever comes back, for framing cases no HTTP client
// would produce. Resolves when the server closes the connection, or when a complete response
// (headers + Content-Length body) has arrived, or at the deadline (then `timedOut`).
import net from 'node:net'

export interface RawResponse {
  /** Everything received, as latin1 text (bytes preserved one to one). */
  raw: string
  status: number | null
  headers: Record<string, string>
  body: string
  closed: boolean
  timedOut: boolean
}

function parse (raw: string): Omit<RawResponse, 'closed' | 'timedOut'> & { complete: boolean } {
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) return { raw, status: null, headers: {}, body: '', complete: false }
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? Number.NaN)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  const bodyBytes = Buffer.from(raw.slice(end + 4), 'latin1')
  const length = headers['content-length'] === undefined ? null : Number(headers['content-length'])
  const complete = length !== null && bodyBytes.length >= length
  return { raw, status: Number.isNaN(status) ? null : status, headers, body: bodyBytes.toString('utf8'), complete }
}

export function rawExchange (port: number, bytes: Buffer | string, options: { timeoutMs?: number; endAfterWrite?: boolean } = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 5000
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    let settled = false
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const { complete: _complete, ...parsed } = parse(received.toString('latin1'))
      resolve({ ...parsed, closed, timedOut })
    }
    const timer = setTimeout(() => finish(false, true), timeoutMs)
    socket.on('connect', () => {
      socket.write(bytes)
      if (options.endAfterWrite === true) socket.end()
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (parse(received.toString('latin1')).complete) finish(false, false)
    })
    socket.on('error', () => finish(true, false))
    socket.on('close', () => finish(true, false))
  })
}
