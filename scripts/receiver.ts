// `npm run receiver`: a tiny webhook receiver for trying Nashra out. It listens on 127.0.0.1
// (RECEIVER_PORT, default 8080), prints one line per delivery (event, sequence, article, version,
// language, size) and whether its Standard Webhooks signature holds for WEBHOOK_SECRET, the
// secret POST /v1/subscribers returned. A bad signature is answered 401, as a partner would, so
// Nashra retries; with no secret set, signatures are not checked and every delivery gets 204.
// Verification uses the `standardwebhooks` package, not Nashra's own signer: an independent check.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

const HOST = '127.0.0.1'
const MAX_BODY = 16 * 1024 * 1024
const portText = process.env['RECEIVER_PORT'] ?? '8080'
const secret = process.env['WEBHOOK_SECRET']?.trim() || undefined

if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
  process.stderr.write(`receiver: RECEIVER_PORT must be a port number from 0 to 65535, got "${portText}"\n`)
  process.exit(78)
}
let verifier: Webhook | undefined
if (secret !== undefined) {
  try {
    verifier = new Webhook(secret)
  } catch {
    process.stderr.write('receiver: WEBHOOK_SECRET must be the whsec_… secret POST /v1/subscribers returned\n')
    process.exit(78)
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value ?? '-'
}

function check (body: Buffer, headers: IncomingHttpHeaders): { ok: boolean; text: string } {
  if (verifier === undefined) return { ok: true, text: 'signature not checked (set WEBHOOK_SECRET)' }
  try {
    verifier.verify(body.toString('utf8'), {
      'webhook-id': header(headers, 'webhook-id'),
      'webhook-timestamp': header(headers, 'webhook-timestamp'),
      'webhook-signature': header(headers, 'webhook-signature')
    }, { jsonParse: false })
    return { ok: true, text: 'signature valid' }
  } catch (err) {
    return { ok: false, text: `signature INVALID (${err instanceof Error ? err.message : String(err)})` }
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= MAX_BODY) chunks.push(chunk)
  })
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end()
      return
    }
    const body = Buffer.concat(chunks)
    const verdict = size > MAX_BODY ? { ok: false, text: 'body too large' } : check(body, req.headers)
    const h = req.headers
    process.stdout.write([
      new Date().toISOString(),
      `${header(h, 'x-nashra-event')} #${header(h, 'x-nashra-sequence')}`,
      `article ${header(h, 'x-nashra-article-id')} v${header(h, 'x-nashra-version')}`,
      `lang ${header(h, 'content-language')}`,
      `${header(h, 'content-type')} ${size} bytes`,
      `id ${header(h, 'webhook-id')}`,
      verdict.text
    ].join('  ') + '\n')
    res.writeHead(verdict.ok ? 204 : 401).end()
  })
})

server.on('error', (err: NodeJS.ErrnoException) => {
  const why = err.code === 'EADDRINUSE' ? 'the port is already in use (EADDRINUSE); set RECEIVER_PORT to a free port' : err.message
  process.stderr.write(`receiver: cannot listen on ${HOST}:${portText}: ${why}\n`)
  process.exitCode = 1
})

server.listen(Number(portText), HOST, () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`receiver: listening on http://${HOST}:${port}/ (any path); ` +
    `${verifier === undefined ? 'WEBHOOK_SECRET is not set, so signatures are not checked' : 'verifying signatures with WEBHOOK_SECRET'}\n`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections()
    server.close()
  })
}
