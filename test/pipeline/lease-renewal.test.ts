// A version that waits for the engine longer than a lease keeps its lease: another instance (here
// a second connection to the same database) cannot take it over while the first still works on it.
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { buildApp } from '../../src/app.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { startEmulator } from '../../src/translation/emulator/server.ts'
import { createGoogleV3Provider } from '../../src/translation/google-v3.ts'
import { withResilience } from '../../src/translation/resilient.ts'
import { auth, tempDir, testConfig } from '../helpers/app.ts'

describe('lease renewal', () => {
  it('keeps a version leased while its engine call outlasts several leases', async () => {
    const emulator = await startEmulator()
    const translator = withResilience(createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: emulator.url, timeoutMs: 10_000 }))
    const tmp = await tempDir()
    const leaseMs = 300
    const app = await buildApp({ ...testConfig(tmp.dir), leaseMs }, { translator, logger: false })
    const other = openSqliteStorage(path.join(tmp.dir, 'nashra.db'))
    try {
      await app.ready()
      // The engine holds the call until the test has looked for a takeover several leases long.
      emulator.script(() => ({ kind: 'delay', ms: 60_000 }))
      const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: { headline: 'عنوان الخبر', body: 'نص الخبر.' } })
      assert.equal(res.statusCode, 202)
      await emulator.waitForRequests(1)
      const deadline = Date.now() + 5 * leaseMs
      while (Date.now() < deadline) {
        const stolen = await other.claimVersionForTranslation(new Date().toISOString(), new Date(Date.now() + 60_000).toISOString())
        assert.equal(stolen, null, 'another instance took over a version still being translated')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.equal(emulator.translateRequests().length, 1, 'translated once, not taken over and sent again')
    } finally {
      // The held call ends with the emulator; the version goes back to wait for a retry.
      await emulator.close()
      await app.close()
      await other.close()
      await translator.close()
      await emulator.close()
      await tmp.remove()
    }
  })
})
