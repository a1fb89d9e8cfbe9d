// `npm run receiver` (scripts/receiver.ts) as the README's quick start uses it: a real delivery
// from Nashra arrives and its signature holds; a forged one is refused with 401.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { repoRoot } from '../helpers/conformance.ts'
import { freePort } from '../helpers/service-process.ts'
import { startStack } from '../helpers/stack.ts'

interface Receiver {
  child: ChildProcess
  /** Resolves with the first printed line that matches. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>
  stop(): Promise<void>
}

function startReceiver (env: Record<string, string>): Receiver {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'receiver.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const lines: string[] = []
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const w of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve(line)
    }
  })
  const exited = once(child, 'exit')
  return {
    child,
    line (pattern, timeoutMs = 15_000) {
      const seen = lines.find((l) => pattern.test(l))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; got:\n${lines.join('\n')}`)), timeoutMs)
        waiters.push({ pattern, resolve: (l) => { clearTimeout(timer); resolve(l) } })
      })
    },
    async stop () {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

describe('npm run receiver', () => {
  it('prints a real delivery with its signature verified, and refuses a forged one', async () => {
    const stack = await startStack()
    const port = await freePort()
    let receiver: Receiver | undefined
    try {
      const url = `http://127.0.0.1:${port}/webhooks/nashra`
      const sub = await stack.api('POST', '/v1/subscribers', { name: 'Partner Wire', url, format: 'newsml-g2', languages: ['en'] })
      assert.equal(sub.status, 201, sub.text)
      receiver = startReceiver({ RECEIVER_PORT: String(port), WEBHOOK_SECRET: sub.json.secret })
      assert.match(await receiver.line(/listening/), /verifying signatures with WEBHOOK_SECRET/)

      const posted = await stack.api('POST', '/v1/articles', summitPost)
      assert.equal(posted.status, 202, posted.text)
      const line = await receiver.line(/article /)
      assert.match(line, new RegExp(`new #1  article ${posted.json.id} v1  lang en  application/vnd\\.iptc\\.g2\\.newsitem\\+xml \\d+ bytes  id msg_\\S+  signature valid$`))

      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
        body: '<x/>'
      })
      assert.equal(forged.status, 401)
      assert.match(await receiver.line(/msg_forged/), /signature INVALID/)
    } finally {
      await receiver?.stop()
      await stack.close()
    }
  })
})
