// The build (`npm run build`, what the Dockerfile runs): compiled to plain JavaScript, the service
// starts and takes a story all the way to a partner — translated, rendered in a CPU worker thread,
// signed and delivered — and shuts down cleanly. It runs with Node's TypeScript support turned
// off, so a module or worker entry that still points at a .ts file fails here.
import assert from 'node:assert/strict'
import { access, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, it } from 'node:test'
import { buildService } from '../../scripts/build.ts'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, auth, eventually, tempDir } from '../helpers/app.ts'
import { repoRoot } from '../helpers/conformance.ts'
import { startServiceProcess } from '../helpers/service-process.ts'
import { type Sink, startSink } from '../helpers/sink.ts'

let emulator: Emulator
let sink: Sink
let tmp: Awaited<ReturnType<typeof tempDir>>
let outDir: string
let entry: string

before(async () => {
  tmp = await tempDir()
  emulator = await startEmulator()
  sink = await startSink()
  // Inside the repository (.tmp/ is git-ignored), so the build resolves node_modules as dist/ does.
  await mkdir(path.join(repoRoot, '.tmp'), { recursive: true })
  outDir = await mkdtemp(path.join(repoRoot, '.tmp', 'build-'))
  entry = await buildService(outDir)
})

after(async () => {
  await sink.close()
  await emulator.close()
  await tmp.remove()
  await rm(outDir, { recursive: true, force: true })
})

it('builds JavaScript for the service and its worker threads', async () => {
  for (const file of ['src/server.js', 'src/pipeline/cpu-worker-thread.js', 'src/storage/sqlite-checkpoint-worker.js', 'routes/v1/articles.js', 'package.json']) {
    await access(path.join(outDir, file))
  }
})

it('emits the schemas as the plain JSON Schema TypeBox builds, so the build never loads typebox', async () => {
  const dir = path.join(repoRoot, 'schemas')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
    const source = await import(pathToFileURL(path.join(dir, file)).href) as Record<string, unknown>
    const built = await import(pathToFileURL(path.join(outDir, 'schemas', file.replace(/\.ts$/, '.js'))).href) as Record<string, unknown>
    for (const [name, value] of Object.entries(source)) {
      // The schema builders (functions) are used only inside schemas/ and are not emitted.
      if (typeof value === 'function') continue
      // JSON drops only TypeBox's non-enumerable markers (~kind, ~optional): validation and
      // /openapi.json read the rest.
      const expected = value instanceof RegExp ? value : JSON.parse(JSON.stringify(value))
      assert.deepEqual(built[name], expected, `schemas/${file}: ${name}`)
    }
  }
  const built = await readdir(outDir, { recursive: true })
  for (const file of built.filter((f) => f.endsWith('.js'))) {
    assert.doesNotMatch(await readFile(path.join(outDir, file), 'utf8'), /from\s*['"]typebox/, file)
  }
})

it('delivers a story from the built service, with TypeScript support off', async () => {
  const svc = await startServiceProcess({
    DATABASE_PATH: path.join(tmp.dir, 'nashra.db'),
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: emulator.url.origin,
    NODE_OPTIONS: '--no-experimental-strip-types'
  }, 60_000, entry)
  try {
    const json = { ...auth(), 'content-type': 'application/json' }
    const sub = await fetch(`${svc.base}/v1/subscribers`, {
      method: 'POST', headers: json, body: JSON.stringify({ name: 'P', url: sink.url, format: 'newsml-g2', languages: ['en'] })
    })
    assert.equal(sub.status, 201)
    const posted = await fetch(`${svc.base}/v1/articles`, { method: 'POST', headers: json, body: JSON.stringify(summitPost) })
    assert.equal(posted.status, 202)
    const { id } = await posted.json() as { id: string }
    const [delivery] = await sink.waitFor(1, 60_000)
    assert.match(delivery!.body, /<newsItem /)
    assert.ok(delivery!.headers['webhook-signature'])
    await eventually(async () => {
      const v = await (await fetch(`${svc.base}/v1/articles/${id}`, { headers: auth() })).json() as { deliveries: Array<{ status: string }> }
      return v.deliveries[0]?.status === 'delivered' ? v : undefined
    }, 30_000, 'the delivery to be recorded')
    // /openapi.json reads the version from the package.json the build carries.
    const doc = await (await fetch(`${svc.base}/openapi.json`)).json() as { info: { version: string } }
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/)
  } finally {
    const stopped = await svc.stop('SIGTERM')
    assert.equal(stopped.code, 0, `graceful shutdown exits 0:\n${svc.output()}`)
  }
})
