// Poison stories through the running pipeline: a version whose runs kept dying is failed with the
// reason instead of run again; one that kills its CPU worker is retried, then quarantined, while
// other stories go through; a render that throws fails the version instead of leaving it
// `translated` forever; markup no engine request can carry fails translation with the reason.
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, eventually, type TestApp, tempDir } from '../helpers/app.ts'

const sentence = (i: number): string => `قالت الوكالة في بيانها رقم ${i} إن المحادثات ستستمر.`
const nested = (depth: number): string => `${'<b>'.repeat(depth)}${sentence(0)}${'</b>'.repeat(depth)}`
const story = (paragraphs: string[]): ArticleContent => ({ headline: 'عنوان', paragraphs, language: 'ar' })
const past = (s: number): string => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString()

async function withStorage (fn: (storage: Storage) => Promise<void>): Promise<void> {
  const tmp = await tempDir()
  const storage = openSqliteStorage(path.join(tmp.dir, 'poison.db'))
  try {
    await storage.migrate()
    await fn(storage)
  } finally {
    await storage.close()
    await tmp.remove()
  }
}

async function settled (t: TestApp, id: string, statuses = ['failed', 'distributed'], timeoutMs = 15_000): Promise<{ status: string; statusReason: string | null }> {
  return eventually(async () => {
    const view = (await t.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json()
    return statuses.includes(view.status) ? view : undefined
  }, timeoutMs, `article ${id} to reach ${statuses.join(' or ')}`)
}

describe('poison stories in the pipeline', () => {
  it('fails a version whose last three runs died, without running it again', async () => {
    await withStorage(async (storage) => {
      const poison = await storage.ingestVersion({ guid: 'urn:test:poison', contentHash: 'p', content: story([sentence(1)]), now: past(0) })
      // Three runs claimed it and died (their leases ran out long ago).
      for (let run = 1; run <= 3; run++) await storage.claimVersionForTranslation(past(run * 10), past(run * 10 + 5))
      const t = await buildTestApp({ storage })
      try {
        await t.app.ready()
        const view = await settled(t, poison.articleId)
        assert.equal(view.status, 'failed')
        assert.match(view.statusReason ?? '', /^quarantined: translation of this version never finished in 3 runs in a row \(the process or its CPU worker died each time\); 4 attempts$/)
        const fine = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
        assert.equal((await settled(t, fine.id)).status, 'distributed')
      } finally {
        await t.close()
      }
    })
  })

  it('retries a version that killed its CPU worker, quarantines it at the third death, and serves the others', { timeout: 60_000 }, async () => {
    await withStorage(async (storage) => {
      // Far more than a 24 MB worker heap holds once cut into atoms; harmless for the service itself.
      const huge = story(Array.from({ length: 8 }, (_, i) => `${sentence(i)} `.repeat(20_000)))
      const poison = await storage.ingestVersion({ guid: 'urn:test:oom', contentHash: 'oom', content: huge, now: past(0) })
      const t = await buildTestApp({ storage, cpu: { size: 1, maxHeapMb: 24 } })
      try {
        await t.app.ready()
        const fine = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
        assert.equal((await settled(t, fine.id)).status, 'distributed')
        const view = await settled(t, poison.articleId, ['failed'], 40_000)
        assert.match(view.statusReason ?? '', /^quarantined: translation of this version never finished in 3 runs in a row .*last: the CPU worker died: .*memory.*; 3 attempts$/)
        assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200)
      } finally {
        await t.close()
      }
    })
  })

  it('fails a version whose rendering throws, naming the format and the reason', async () => {
    await withStorage(async (storage) => {
      // 300 levels: translatable, but no XML parser with default limits would read the document.
      const deep = await storage.ingestVersion({ guid: 'urn:test:deep', contentHash: 'deep', content: story([nested(300)]), now: past(0) })
      const t = await buildTestApp({ storage })
      try {
        await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Wire', mode: 'pull', format: 'nitf', languages: ['en'] } })
        await t.app.ready()
        const view = await settled(t, deep.articleId)
        assert.equal(view.status, 'failed')
        assert.match(view.statusReason ?? '', /^distribution failed: rendering nitf \(en\) failed: The document nests elements more than 200 deep/)
        // Rendered on demand, the same story is a clean problem, not a 500.
        const rendition = await t.app.inject({ url: `/v1/articles/${deep.articleId}/renditions/nitf`, headers: auth() })
        assert.equal(rendition.statusCode, 422)
        assert.match(rendition.headers['content-type'] as string, /^application\/problem\+json/)
        assert.deepEqual([rendition.json().code, rendition.json().limit], ['NASHRA_UNRENDERABLE', 200])
      } finally {
        await t.close()
      }
    })
  })

  it('fails translation of markup no engine request can carry, with the reason', async () => {
    await withStorage(async (storage) => {
      const hostile = await storage.ingestVersion({ guid: 'urn:test:b100k', contentHash: 'b100k', content: story([sentence(1), sentence(2), nested(100_000)]), now: past(0) })
      const t = await buildTestApp({ storage })
      try {
        await t.app.ready()
        const view = await settled(t, hostile.articleId)
        assert.equal(view.status, 'failed')
        assert.match(view.statusReason ?? '', /^translation failed: inline markup nested \d+ deep needs \d+ codepoints of tags/)
      } finally {
        await t.close()
      }
    })
  })
})
