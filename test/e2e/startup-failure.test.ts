// Start-up failures end the process with one readable line on stderr and a non-zero status:
// a port this test holds itself, and a database path that cannot be a directory.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '../helpers/app.ts'
import { repoRoot } from '../helpers/conformance.ts'

async function runService (env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'src', 'server.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_API_KEY: 'startup-test-key-0123456789', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stderr, stdout }
}

describe('start-up failures', () => {
  it('says in one line that the port is taken (EADDRINUSE) and exits 1', async () => {
    const holder = createServer()
    holder.listen(0, '127.0.0.1')
    await once(holder, 'listening')
    const { port } = holder.address() as { port: number }
    const tmp = await tempDir()
    try {
      const run = await runService({ PORT: String(port), DATABASE_PATH: path.join(tmp.dir, 'n.db') })
      assert.equal(run.code, 1, run.stderr + run.stdout)
      assert.equal(run.stderr, `nashra: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE). ` +
        'Stop the process holding it, or set PORT to a free port.\n')
    } finally {
      holder.close()
      await once(holder, 'close')
      await tmp.remove()
    }
  })

  it('says in one line that the database cannot be opened, and exits 1', async () => {
    const tmp = await tempDir()
    try {
      // A file where the database's directory should be.
      await writeFile(path.join(tmp.dir, 'file'), 'not a directory')
      const run = await runService({ PORT: '0', DATABASE_PATH: path.join(tmp.dir, 'file', 'n.db') })
      assert.equal(run.code, 1, run.stderr + run.stdout)
      const lines = run.stderr.split('\n').filter((l) => l !== '')
      assert.equal(lines.length, 1, run.stderr)
      assert.match(lines[0]!, /^nashra: cannot open the SQLite database .*file\/n\.db: .* \(E[A-Z]+\)\. Check DATABASE_PATH/)
    } finally {
      await tmp.remove()
    }
  })
})
