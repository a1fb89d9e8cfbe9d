// GET /v1/articles: filters, Arabic-aware headline search, and cursor pages that stay stable
// while stories keep arriving. Through the API (buildApp + inject), on a real SQLite file.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('GET /v1/articles', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const post = async (body: object): Promise<{ id: string; guid: string }> => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: body })
    assert.ok(res.statusCode === 202 || res.statusCode === 200, res.body)
    return res.json()
  }
  const list = async (query: string) => {
    const res = await t.app.inject({ url: `/v1/articles${query}`, headers: auth() })
    assert.equal(res.statusCode, 200, res.body)
    return res.json() as { items: Array<{ guid: string; headline: string; event: string; status: string; version: number }>; nextCursor: string | null }
  }
  const guids = async (query: string): Promise<string[]> => (await list(query)).items.map((i) => i.guid)

  it('finds a story written with tashkeel and tatweel by plain words, and the other way round', async () => {
    // The headline as some desks write it: full vowel marks, a stretched word, hamza on the alef.
    await post({ ...summitPost, guid: 'urn:find:tashkeel', headline: 'وَزِيرُ الزِّرَاعَةِ يَفْتَتِحُ مَوْسِمَ الزَّيْتُونِ في إربـــد' })
    await post({ ...summitPost, guid: 'urn:find:plain', headline: 'أمطار غزيرة في عمان والمدارس تغلق أبوابها' })
    assert.deepEqual(await guids(`?q=${encodeURIComponent('وزير الزراعة')}`), ['urn:find:tashkeel'])
    assert.deepEqual(await guids(`?q=${encodeURIComponent('زيتون اربد')}`), ['urn:find:tashkeel'], 'article dropped, alef folded, tatweel ignored')
    assert.deepEqual(await guids(`?q=${encodeURIComponent('الأمطارُ الغزيرةُ')}`), ['urn:find:plain'], 'a query with tashkeel, hamza and taa marbuta')
    assert.deepEqual(await guids(`?q=${encodeURIComponent('زيتون قطار')}`), [], 'every word must match')
    const bad = await t.app.inject({ url: `/v1/articles?q=${encodeURIComponent('،؟')}`, headers: auth() })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json()['invalid-params'][0].name, '/querystring/q')
  })

  it('filters by guid, category, event, status and time, newest first', async () => {
    const before = new Date().toISOString()
    const a = await post({ ...summitPost, guid: 'urn:find:a', category: 'sport', headline: 'فوز الفريق' })
    await post({ ...summitPost, guid: 'urn:find:b', category: 'sport', headline: 'خسارة الفريق' })
    await post({ ...summitPost, guid: 'urn:find:a', category: 'sport', headline: 'فوز الفريق بهدفين', correction: true, note: 'تصحيح النتيجة' })
    const killed = await t.app.inject({ method: 'POST', url: `/v1/articles/${a.id}/kill`, headers: auth() })
    assert.equal(killed.statusCode, 202, killed.body)
    assert.deepEqual(await guids('?category=sport'), ['urn:find:b', 'urn:find:a'])
    assert.deepEqual(await guids('?guid=urn:find:a'), ['urn:find:a'])
    assert.deepEqual(await guids('?event=kill'), ['urn:find:a'])
    assert.deepEqual(await guids('?event=new&category=sport'), ['urn:find:b'])
    assert.deepEqual(await guids('?status=translated&category=sport'), ['urn:find:a'], 'a kill without a reason is ready at once')
    assert.deepEqual(await guids(`?since=${encodeURIComponent(before)}&category=sport`), ['urn:find:b', 'urn:find:a'])
    assert.deepEqual(await guids(`?until=${encodeURIComponent(before)}&category=sport`), [])
    const [story] = (await list('?guid=urn:find:a')).items
    assert.deepEqual([story?.version, story?.event, story?.headline], [3, 'kill', 'فوز الفريق بهدفين'])
  })

  it('answers bad filters with a problem naming the field', async () => {
    for (const [query, field] of [['?status=lost', '/querystring/status'], ['?limit=0', '/querystring/limit'],
      ['?since=yesterday', '/querystring/since'], ['?cursor=bm90LWEtY3Vyc29y', '/querystring/cursor'], ['?colour=red', '/querystring/colour']]) {
      const res = await t.app.inject({ url: `/v1/articles${query}`, headers: auth() })
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/)
      assert.ok(res.json()['invalid-params'].some((p: { name: string }) => p.name === field), `${query}: ${res.body}`)
    }
    const editorOnly = await t.app.inject({ url: '/v1/articles', headers: {} })
    assert.equal(editorOnly.statusCode, 401)
  })

  it('pages with an opaque cursor that neither repeats nor skips stories while new ones arrive', async () => {
    const original: string[] = []
    for (let i = 0; i < 23; i++) original.push((await post({ ...summitPost, guid: `urn:page:${i}`, category: 'paging', headline: `خبر رقم ${i}` })).guid)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(`?category=paging&limit=5${cursor === null ? '' : `&cursor=${cursor}`}`)
      seen.push(...page.items.map((i) => i.guid))
      cursor = page.nextCursor
      // Stories keep arriving between pages: they belong before the first page.
      await post({ ...summitPost, guid: `urn:page:new-${pages}`, category: 'paging', headline: `خبر جديد ${pages}` })
      pages++
    } while (cursor !== null && pages < 20)
    assert.equal(cursor, null, 'the last page says there is no next one')
    assert.equal(new Set(seen).size, seen.length, 'no story twice')
    assert.deepEqual(seen.filter((g) => !g.includes('new-')), [...original].reverse(), 'every story that was there, once, newest first')
    // The first page was read before any new story: whatever arrived later must not have been listed.
    assert.ok(seen.filter((g) => g.includes('new-')).length <= 1, `new stories leaked into later pages: ${seen.join(' ')}`)
  })
})
