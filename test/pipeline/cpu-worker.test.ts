// The worker pool that runs CPU-heavy stage work: same results and errors as running the jobs in
// this thread, several jobs at once, and a job that exhausts its worker's heap or runs away fails
// alone as WorkerCrashedError while the pool carries on with a fresh worker.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ArticleContent, StoredVersion } from '../../src/articles/types.ts'
import { CpuJobError, inThreadWork } from '../../src/pipeline/cpu-jobs.ts'
import { type CpuPool, CpuPoolClosedError, createCpuPool, WorkerCrashedError } from '../../src/pipeline/cpu-worker.ts'
import { EMPTY_GLOSSARY } from '../../src/translation/glossary.ts'

const ctx = { sourceLanguage: 'ar', targetLanguage: 'en', engine: 'test', glossary: EMPTY_GLOSSARY, plainTextOnly: false }
const sentence = (i: number): string => `قالت الوكالة في بيانها رقم ${i} إن <b>المحادثات</b> ستستمر.`
const content = (paragraphs: string[]): ArticleContent => ({ headline: 'عنوان', paragraphs, language: 'ar' })
const version = (c: ArticleContent): StoredVersion => ({
  id: 'v1',
  articleId: 'a1',
  guid: 'urn:test:1',
  version: 1,
  event: 'new',
  contentHash: 'h',
  pubStatus: 'usable',
  status: 'translated',
  statusReason: null,
  firstCreated: '2026-01-01T00:00:00.000Z',
  versionCreated: '2026-01-01T00:00:00.000Z',
  content: c,
})

describe('CPU worker pool', () => {
  let pool: CpuPool
  before(() => { pool = createCpuPool({ size: 2 }) })
  after(async () => { await pool.close() })

  it('prepares, cuts, joins and renders exactly as the jobs do in this thread', async () => {
    const story = content(Array.from({ length: 40 }, (_, i) => sentence(i)))
    assert.deepEqual(await pool.prepare(story, ctx), await inThreadWork.prepare(story, ctx))
    const long = Array.from({ length: 400 }, (_, i) => sentence(i)).join(' ')
    const { prepared } = await inThreadWork.prepare(content([long]), ctx)
    const atoms = prepared.map((p) => p.atoms)
    const cuts = await pool.cut(atoms, true, 2000)
    assert.deepEqual(cuts, await inThreadWork.cut(atoms, true, 2000))
    assert.ok(cuts[1]!.pieces.length > 5)
    const finishJobs = cuts.map((cut, i) => ({ outputs: cut.pieces, seams: cut.seams, segment: prepared[i]! }))
    const texts = await pool.finish(finishJobs, true, false)
    assert.deepEqual(texts, await inThreadWork.finish(finishJobs, true, false))
    assert.equal(texts[1], long, 'the pieces, echoed back, join into the paragraph')
    const input = { version: version(story), translation: null, provider: { name: 'Test' } }
    assert.deepEqual(await pool.render('nitf', undefined, input), await inThreadWork.render('nitf', undefined, input))
  })

  it('runs many jobs at once and answers each with its own result', async () => {
    const stories = Array.from({ length: 12 }, (_, i) => content([sentence(i)]))
    const results = await Promise.all(stories.map((s) => pool.prepare(s, ctx)))
    results.forEach((r, i) => { assert.equal(r.segments[1]!.text, sentence(i)) })
  })

  it('hands a job\'s own error back with its name and message, as a permanent failure', async () => {
    const deep = content([`${'<b>'.repeat(300)}ب${'</b>'.repeat(300)}`])
    await assert.rejects(pool.render('nitf', undefined, { version: version(deep), translation: null, provider: { name: 'Test' } }),
      (err: unknown) => err instanceof CpuJobError && err.name === 'DocumentTooDeepError' && err.code === 3 &&
        /more than 200 deep/.test(err.message))
    await assert.rejects(inThreadWork.render('nitf', undefined, { version: version(deep), translation: null, provider: { name: 'Test' } }),
      (err: unknown) => err instanceof CpuJobError && err.name === 'DocumentTooDeepError')
  })
})

describe('CPU worker pool under hostile jobs', () => {
  it('fails only the job that exhausted its worker\'s heap, then carries on with a new worker', async () => {
    const pool = createCpuPool({ size: 1, maxHeapMb: 24 })
    try {
      const huge = content(Array.from({ length: 8 }, (_, i) => `${sentence(i)} `.repeat(20_000)))
      const small = pool.prepare(content([sentence(1)]), ctx)
      const crashing = pool.prepare(huge, ctx)
      const queued = pool.prepare(content([sentence(2)]), ctx)
      assert.equal((await small).segments[1]!.text, sentence(1))
      await assert.rejects(crashing, (err: unknown) => err instanceof WorkerCrashedError && /CPU worker died: .*memory/i.test(err.message))
      assert.equal((await queued).segments[1]!.text, sentence(2))
      assert.equal(pool.deaths, 1)
    } finally {
      await pool.close()
    }
  })

  it('stops a job that runs past its time and fails it as a crash', async () => {
    const pool = createCpuPool({ size: 1, jobTimeoutMs: 1 })
    try {
      const big = content(Array.from({ length: 20 }, (_, i) => `${sentence(i)} `.repeat(2_000)))
      await assert.rejects(pool.prepare(big, ctx), (err: unknown) => err instanceof WorkerCrashedError && /ran for more than 1 ms/.test(err.message))
      assert.equal(pool.deaths, 1)
    } finally {
      await pool.close()
    }
  })

  it('starts workers on demand and retires idle ones, which is not a death', async () => {
    const pool = createCpuPool({ size: 2, idleMs: 50 })
    try {
      assert.equal(pool.workers, 0)
      const jobs = [pool.prepare(content([sentence(1)]), ctx), pool.prepare(content([sentence(2)]), ctx)]
      // A job is handed to a worker as it is submitted: one each, started for them.
      assert.equal(pool.workers, 2)
      await Promise.all(jobs)
      const deadline = Date.now() + 10_000
      while (pool.workers > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      assert.equal(pool.workers, 0)
      assert.equal(pool.deaths, 0)
      const again = await pool.prepare(content([sentence(3)]), ctx)
      assert.deepEqual(again, await pool.prepare(content([sentence(3)]), ctx))
      assert.equal(pool.deaths, 0)
    } finally {
      await pool.close()
    }
  })

  it('rejects waiting and running jobs as transient when it closes', async () => {
    const pool = createCpuPool({ size: 1 })
    const jobs = [pool.prepare(content([sentence(1)]), ctx), pool.prepare(content([sentence(2)]), ctx)]
    const checks = jobs.map((job) => assert.rejects(job, (err: unknown) => err instanceof CpuPoolClosedError && err.code === 14))
    await pool.close()
    await Promise.all(checks)
    await assert.rejects(pool.prepare(content([sentence(3)]), ctx), CpuPoolClosedError)
  })
})
