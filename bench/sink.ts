// A partner endpoint for benchmarks, run as its own process so its work is not billed to the
// process being measured. Answers every POST with 204 (or never, with SINK_MODE=hang); tells the
// parent over IPC when the first request arrived and when a target count was reached.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const hang = process.env.SINK_MODE === 'hang'
let count = 0
let target = Number.POSITIVE_INFINITY

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    count++
    if (!hang) res.writeHead(204).end()
    // Wall-clock times: the parent compares them with its own Date.now().
    if (count === 1) process.send?.({ type: 'first', at: Date.now() })
    if (count === target) process.send?.({ type: 'reached', at: Date.now() })
  })
})

process.on('message', (msg: { type: string; target?: number }) => {
  if (msg.type === 'expect') {
    count = 0
    target = msg.target ?? Number.POSITIVE_INFINITY
  } else if (msg.type === 'stop') {
    server.closeAllConnections()
    server.close(() => process.disconnect?.())
  }
})

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port })
})
