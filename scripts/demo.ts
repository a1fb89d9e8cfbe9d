// `npm run demo`: the whole path on one machine, with no account and no network beyond loopback.
// It starts the real service as a child process (exactly as `npm start` would, so what you see is
// what production does), plays a partner that verifies Standard Webhooks signatures, posts an
// Arabic story and prints what arrives. Everything it creates lives in a temporary directory that
// is removed at the end; the child is killed on every path, including failures and the deadline.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { type AddressInfo, createServer as createNetServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { Webhook } from 'standardwebhooks'

const repoRoot = path.resolve(import.meta.dirname, '..')
const DEADLINE_MS = 30_000
const HOST = '127.0.0.1'
const started = performance.now()

// An original sample written for this demo (the people and the library are invented). It has
// what a wire story carries: a quote, figures, a byline and a dateline.
const SAMPLE_ARTICLE = {
  guid: 'urn:example:nashra-demo:reading-hall',
  headline: 'افتتاح قاعة قراءة رقمية في مكتبة الحي الشمالي تتسع لـ120 زائراً',
  body: [
    'افتتحت المكتبة العامة في الحي الشمالي صباح الثلاثاء قاعة قراءة رقمية جديدة تضم 40 جهاز حاسوب و120 مقعداً، بعد أعمال تجهيز استمرت ستة أشهر وبلغت كلفتها نحو 85 ألف دينار.',
    'وقالت مديرة المكتبة سلمى العبادي خلال حفل الافتتاح: «أردنا مكاناً هادئاً يجد فيه الطلاب والباحثون عن عمل ما يحتاجونه من كتب ودورات تدريبية، من دون أن يدفعوا فلساً واحداً».',
    'وتفتح القاعة أبوابها يومياً من الساعة 9 صباحاً حتى 8 مساءً، وتتيح الوصول إلى أكثر من 15 ألف كتاب إلكتروني باللغتين العربية والإنجليزية، إضافة إلى ورشتين أسبوعياً في مهارات الحاسوب لكبار السن.',
    'وبحسب سجلات المكتبة، سجّل 350 شخصاً أسماءهم خلال الأسبوع الذي سبق الافتتاح الرسمي، فيما تعتزم الإدارة تجهيز قاعة مماثلة في الحي الجنوبي خلال عام 2026.'
  ].join('\n'),
  byline: 'ليلى حداد',
  dateline: 'إربد',
  category: 'culture',
  urgency: 4
}

// ---------------------------------------------------------------------------------------------
// Output helpers: numbered steps so a reader can follow the story's path.

let stepNo = 0
function step (title: string): void {
  stepNo += 1
  console.log(`\n[${seconds()}] ${stepNo}. ${title}`)
}
function info (line: string): void {
  console.log(`     ${line}`)
}
function block (text: string): void {
  for (const line of text.replace(/\n$/, '').split('\n')) console.log(`     │ ${line}`)
}
function seconds (): string {
  return `${((performance.now() - started) / 1000).toFixed(1).padStart(4)} s`
}

// ---------------------------------------------------------------------------------------------
// Everything that must be undone, whatever happens.

const abort = new AbortController()
let child: ChildProcess | undefined
let childExited: Promise<number | string | null> | undefined
let stopping = false
let partner: Server | undefined
let tmpDir: string | undefined

// Last resort: if the demo dies some way we did not foresee, the service must not outlive it.
process.on('exit', () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

class DemoError extends Error {}

function fail (message: string): never {
  throw new DemoError(message)
}

/** Resolves after ms, or rejects as soon as the demo is aborted (deadline, Ctrl-C, child died). */
function sleep (ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(abort.signal.reason)
    }
    // Removed again on time-out, so polling loops do not pile listeners onto the signal.
    const timer = setTimeout(() => {
      abort.signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    abort.signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Rejects when the demo is aborted, so any wait can be raced against it. */
const aborted = new Promise<never>((_resolve, reject) => {
  abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })
})
aborted.catch(() => {}) // observed through the races below; never an unhandled rejection

// ---------------------------------------------------------------------------------------------

async function freePort (): Promise<number> {
  // Listening on port 0 and closing again hands us a port the kernel just considered free; the
  // service then binds it. Simpler than teaching the demo to read the port back from the child.
  const probe = createNetServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, HOST, resolve)
  })
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }

/** Shows the service's log lines as readable text; anything that is not a pino line verbatim. */
function relay (stream: NodeJS.ReadableStream): void {
  createInterface({ input: stream }).on('line', (line) => {
    let shown = line
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } }
      if (typeof entry.msg === 'string') {
        shown = `${LEVELS[entry.level ?? 30] ?? 'LOG'}: ${entry.msg}${entry.err?.message === undefined ? '' : ` (${entry.err.message})`}`
      }
    } catch {}
    console.log(`     ┊ service ${shown}`)
  })
}

function startService (env: Record<string, string>): void {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  // No Google configuration at all, whatever the caller's shell has: the service must start its
  // in-process emulator, which is the point of a demo that needs no account.
  delete childEnv['GOOGLE_CLOUD_PROJECT']
  delete childEnv['GOOGLE_CLOUD_LOCATION']
  delete childEnv['TRANSLATE_API_ENDPOINT']
  // process.execPath is the Node 24 that runs this script (npm puts node@24 first on PATH), and
  // running node directly (not npm start) means our SIGTERM reaches the service itself.
  const proc = spawn(process.execPath, ['src/server.ts'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  child = proc
  if (proc.stdout !== null) relay(proc.stdout)
  if (proc.stderr !== null) relay(proc.stderr)
  childExited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      if (!stopping) abort.abort(new DemoError(`the service exited unexpectedly (${signal ?? `exit code ${code}`})`))
      resolve(signal ?? code)
    })
  })
  proc.once('error', (err) => abort.abort(new DemoError(`could not start the service: ${err.message}`)))
}

async function waitUntilReady (base: string): Promise<void> {
  let last = 'no answer yet'
  for (;;) {
    try {
      const res = await fetch(`${base}/ready`, { signal: abort.signal })
      const text = await res.text()
      if (res.status === 200) return
      last = `HTTP ${res.status} ${text}`
    } catch (err) {
      if (abort.signal.aborted) throw abort.signal.reason
      last = (err as Error).message
    }
    // Not listening yet (connection refused) or not ready: ask again shortly.
    await sleep(100).catch(() => fail(`the service never became ready (last: ${last})`))
  }
}

interface Received {
  headers: IncomingHttpHeaders
  body: string
  verified: boolean
  problem?: string
}

/** The partner's webhook endpoint: verifies each message with the standardwebhooks package. */
async function startPartner (getSecret: () => string | undefined, onMessage: (r: Received) => void): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const received: Received = { headers: req.headers, body, verified: false }
      const secret = getSecret()
      try {
        if (secret === undefined) throw new Error('no secret yet: the subscriber is not registered')
        // jsonParse: false because the payload is XML; verify throws on a bad signature, a
        // missing header or a timestamp outside its tolerance.
        new Webhook(secret).verify(body, headerRecord(req.headers), { jsonParse: false })
        received.verified = true
      } catch (err) {
        received.problem = (err as Error).message
      }
      // 2xx only for a verified message: anything else tells Nashra to retry later.
      res.statusCode = received.verified ? 204 : 401
      res.end()
      onMessage(received)
    })
  })
  partner = server
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const { port } = server.address() as AddressInfo
  return `http://${HOST}:${port}/webhooks/nashra`
}

function headerRecord (headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

async function api (base: string, adminKey: string, method: string, route: string, body?: unknown):
Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(base + route, {
    method,
    signal: abort.signal,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

function expectStatus (what: string, res: { status: number; text: string }, status: number): void {
  if (res.status !== status) fail(`${what} answered HTTP ${res.status} (expected ${status}): ${res.text}`)
}

function conformanceValidator (): string | null {
  const script = path.resolve(repoRoot, '..', 'shared', 'conformance', 'validate')
  try {
    accessSync(script, constants.R_OK)
    return script
  } catch {
    return null
  }
}

function runValidator (script: string, file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // bash explicitly: the kit may be checked out without its executable bit.
    execFile('bash', [script, '--', file], { signal: abort.signal, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

// ---------------------------------------------------------------------------------------------

async function main (): Promise<void> {
  console.log('Nashra demo: an Arabic story in, a signed NewsML-G2 webhook out — no account, no network.')

  step('Preparing a temporary directory and a free port')
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'nashra-demo-'))
  const port = await freePort()
  const base = `http://${HOST}:${port}`
  // A throwaway admin key; the database it is registered in is deleted at the end.
  const adminKey = `demo_${randomBytes(24).toString('base64url')}`
  info(`directory  ${tmpDir}`)
  info(`service    ${base}`)

  step('Starting the service: node src/server.ts (no Google configuration, so expect the emulator warning)')
  startService({
    PORT: String(port),
    HOST,
    DATABASE_PATH: path.join(tmpDir, 'nashra.db'),
    ADMIN_API_KEY: adminKey,
    // The partner below listens on 127.0.0.1, which the SSRF guard refuses by default.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    DELIVERY_RETRY_SCHEDULE: '500ms,1s,2s',
    LOG_LEVEL: 'warn'
  })
  await waitUntilReady(base)
  info(`GET /ready → 200 after ${seconds().trim()}`)

  step('Starting a partner webhook endpoint that verifies every message')
  // Known once the subscriber is registered below; the partner reads it per request.
  const signing: { secret?: string } = {}
  let resolveFirst: (r: Received) => void = () => {}
  const firstMessage = new Promise<Received>((resolve) => { resolveFirst = resolve })
  const partnerUrl = await startPartner(() => signing.secret, (received) => {
    console.log(`\n[${seconds()}] ⇢ webhook received by the partner`)
    const field = (name: string, value: string): void => info(`${name.padEnd(20)} ${value}`)
    field('webhook-id', String(received.headers['webhook-id'] ?? '(missing)'))
    field('webhook-timestamp', String(received.headers['webhook-timestamp'] ?? '(missing)'))
    field('webhook-signature', String(received.headers['webhook-signature'] ?? '(missing)'))
    field('signature verified', received.verified ? 'yes' : `NO (${received.problem})`)
    field('content-type', String(received.headers['content-type'] ?? '(missing)'))
    field('x-nashra-sequence', String(received.headers['x-nashra-sequence'] ?? '(missing)'))
    // Any other x-nashra-* header the service adds (event type, version, …) is shown too.
    for (const [name, value] of Object.entries(received.headers)) {
      if (name.startsWith('x-nashra-') && name !== 'x-nashra-sequence') field(name, String(value))
    }
    field('body', `${Buffer.byteLength(received.body)} bytes (printed below)`)
    resolveFirst(received)
  })
  info(`listening at ${partnerUrl}`)

  step('Registering the partner: POST /v1/subscribers')
  const sub = await api(base, adminKey, 'POST', '/v1/subscribers', { name: 'Demo Partner', url: partnerUrl, format: 'newsml-g2', languages: ['en'] })
  expectStatus('POST /v1/subscribers', sub, 201)
  const subscriber = JSON.parse(sub.text) as { id: string; secret: string }
  signing.secret = subscriber.secret
  info(`201 Created  id=${subscriber.id}`)
  info(`signing secret (shown once; the partner keeps it): ${subscriber.secret}`)

  step('Posting an Arabic story: POST /v1/articles')
  info(`headline  ${SAMPLE_ARTICLE.headline}`)
  info(`byline    ${SAMPLE_ARTICLE.byline}   dateline ${SAMPLE_ARTICLE.dateline}   ${SAMPLE_ARTICLE.body.split('\n').length} paragraphs`)
  const posted = await api(base, adminKey, 'POST', '/v1/articles', SAMPLE_ARTICLE)
  expectStatus('POST /v1/articles', posted, 202)
  const article = JSON.parse(posted.text) as { id: string; guid: string; version: number; status: string }
  info(`202 Accepted  ${posted.text}`)

  step('Waiting for the translated item to reach the partner')
  const delivered = await Promise.race([firstMessage, aborted])
  if (!delivered.verified) fail(`the webhook signature did not verify: ${delivered.problem}`)

  step('The delivered NewsML-G2 newsItem')
  block(delivered.body)

  step(`Reading the article back: GET /v1/articles/${article.id}`)
  // The partner answers before Nashra records the attempt, so give the record a moment to land.
  let view: { status: string; deliveries: Array<{ status: string }> } | undefined
  for (let i = 0; i < 50; i++) {
    const res = await api(base, adminKey, 'GET', `/v1/articles/${article.id}`)
    expectStatus(`GET /v1/articles/${article.id}`, res, 200)
    view = JSON.parse(res.text)
    if (view?.deliveries[0]?.status === 'delivered') break
    await sleep(100)
  }
  if (view === undefined) fail('no article view')
  // The translated text is in the item above; show only what the translation cost.
  const { translations, ...summary } = view as typeof view & { translations: Record<string, { body?: unknown; headline?: unknown }> }
  const costs = Object.fromEntries(Object.entries(translations).map(([lang, { body: _b, headline: _h, ...rest }]) => [lang, rest]))
  block(JSON.stringify({ ...summary, translations: costs }, null, 2))
  if (view.status !== 'distributed') fail(`article status is ${view.status}, expected distributed`)
  if (view.deliveries[0]?.status !== 'delivered') fail(`delivery status is ${view.deliveries[0]?.status ?? 'absent'}, expected delivered`)

  step('Fetching the same rendition on demand: GET …/renditions/newsml-g2?lang=en')
  const rendition = await api(base, adminKey, 'GET', `/v1/articles/${article.id}/renditions/newsml-g2?lang=en`)
  expectStatus('GET rendition', rendition, 200)
  info(`200 ${rendition.type}; identical to the delivered bytes: ${rendition.text === delivered.body ? 'yes' : 'NO'}`)

  const validator = conformanceValidator()
  if (validator === null) {
    step('IPTC conformance check skipped (../shared/conformance/validate is not next to this checkout)')
  } else {
    step('Validating the delivered item against the NewsML-G2 2.35 schema (IPTC conformance kit)')
    const file = path.join(tmpDir, 'delivered.en.xml')
    await writeFile(file, delivered.body, 'utf8')
    const result = await runValidator(validator, file)
    block(result.output.split(tmpDir).join('$TMP'))
    // Exit 2 is the kit's own set-up problem (e.g. no xmllint): worth saying, not a verdict.
    if (result.code === 2) info('the validator could not run (set-up problem above); no verdict')
    else if (result.code !== 0) fail('the delivered document is not valid NewsML-G2 2.35')
    else info('verdict: PASS')
  }
}

async function cleanUp (): Promise<void> {
  stopping = true
  const proc = child
  if (proc !== undefined && childExited !== undefined && proc.exitCode === null && proc.signalCode === null) {
    step('Stopping the service with SIGTERM')
    proc.kill('SIGTERM')
    const timer = setTimeout(() => {
      console.log('     the service did not stop within 5 s; killing it')
      proc.kill('SIGKILL')
    }, 5_000)
    const how = await childExited
    clearTimeout(timer)
    info(`the service exited (${typeof how === 'number' ? `exit code ${how}` : how})`)
  }
  if (partner !== undefined) {
    partner.closeAllConnections()
    await new Promise<void>((resolve) => partner?.close(() => resolve()))
  }
  if (tmpDir !== undefined) await rm(tmpDir, { recursive: true, force: true })
}

const deadline = setTimeout(() => abort.abort(new DemoError(`the demo did not finish within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS)
process.once('SIGINT', () => abort.abort(new DemoError('interrupted')))

let exitCode = 0
try {
  await Promise.race([main(), aborted])
} catch (err) {
  exitCode = 1
  const reason = err instanceof DemoError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)
  console.error(`\nDEMO FAILED: ${reason}`)
} finally {
  clearTimeout(deadline)
  try {
    await cleanUp()
  } catch (err) {
    exitCode = 1
    console.error(`clean-up failed: ${(err as Error).message}`)
  }
}
console.log(exitCode === 0 ? `\nDone in ${seconds().trim()}: the temporary directory is removed and nothing is left running.` : '')
// Explicit exit: a stray socket or timer must not keep a finished demo alive.
process.exit(exitCode)
