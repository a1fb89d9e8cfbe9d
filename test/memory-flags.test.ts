// The service's V8 memory flags are spelled in several places — `npm start` and `npm run
// start:built`, the Dockerfile's CMD and the helper that starts the service process for tests and
// benches — because each starts node itself. This keeps them in step, so the bench measures the process operators run.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { repoRoot } from './helpers/conformance.ts'
import { SERVICE_NODE_FLAGS } from './helpers/service-process.ts'

describe('V8 memory flags of the service process', () => {
  it('keeps the young generation small and the heap close to what is live', () => {
    assert.ok(SERVICE_NODE_FLAGS.some((flag) => flag.startsWith('--max-semi-space-size=')))
    assert.ok(SERVICE_NODE_FLAGS.some((flag) => flag.startsWith('--heap-growing-percent=')))
  })

  it('are the same in npm start', async () => {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    assert.equal(pkg.scripts['start'], ['node', ...SERVICE_NODE_FLAGS, 'src/server.ts'].join(' '))
    assert.equal(pkg.scripts['start:built'], ['node', ...SERVICE_NODE_FLAGS, 'dist/src/server.js'].join(' '))
  })

  it('are the same in the Dockerfile CMD', async () => {
    const dockerfile = await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8')
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)
    assert.ok(cmd, 'the Dockerfile has an exec-form CMD')
    // The image runs the build (scripts/build.ts), npm start the sources: same flags.
    assert.deepEqual(JSON.parse(cmd[1]!), ['node', ...SERVICE_NODE_FLAGS, 'dist/src/server.js'])
  })

  it('are accepted by this node', () => {
    const run = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
  })
})
