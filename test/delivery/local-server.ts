// A throw-away HTTP server on a loopback address for delivery tests. It records every TCP
// connection and request so tests can prove that a refused delivery never reached it.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type RecordedRequest = {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export type LocalServer = {
  server: Server
  /** Base URL such as http://127.0.0.1:41234 (IPv6 hosts are bracketed). */
  url: string
  port: number
  requests: RecordedRequest[]
  connections: () => number
  close: () => Promise<void>
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void

/** Listens on an ephemeral port of a loopback host; the handler runs after the body arrived. */
export async function startServer (
  handler: Handler,
  host: '127.0.0.1' | '::1' = '127.0.0.1'
): Promise<LocalServer> {
  const requests: RecordedRequest[] = []
  let connections = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  server.on('connection', () => {
    connections++
  })
  server.listen(0, host)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const base = host.includes(':') ? `[${host}]` : host
  return {
    server,
    url: `http://${base}:${port}`,
    port,
    requests,
    connections: () => connections,
    close: async () => {
      // Hanging test handlers keep sockets open; cut them so close() can finish.
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** A loopback port with nothing listening: bind, note the port, release it. */
export async function closedPort (): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  probe.close()
  await once(probe, 'close')
  return port
}
