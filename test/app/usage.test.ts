// GET /v1/usage: translation cost summed per UTC day and language, with the money estimate at
// TRANSLATION_PRICE_PER_MILLION_CHARS. Through the API with the pipeline running.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, eventually, type TestApp } from '../helpers/app.ts'

describe('GET /v1/usage', () => {
  let t: TestApp
  const translator = createFakeEngine()
  const api = (url: string, key?: string) => t.app.inject({ url, headers: auth(key) })
  const sentTo = (lang: string): number => translator.calls.filter((c) => c.targetLanguage === lang)
    .reduce((n, c) => n + c.contents.reduce((m, x) => m + [...x].length, 0), 0)

  before(async () => {
    t = await buildTestApp({ translator })
    await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'D', mode: 'pull', format: 'ninjs', languages: ['en', 'fr'] } })
    const first = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
    // An update that changes one paragraph: the rest comes from memory.
    const second = { ...summitPost, body: summitPost.body.replace('٣ سنوات', 'خمس سنوات') }
    await eventually(async () => (await api(`/v1/articles/${first.id}`)).json().status === 'distributed' ? true : undefined)
    await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: second })
    await eventually(async () => {
      const view = (await api(`/v1/articles/${first.id}`)).json()
      return view.version === 2 && view.status === 'distributed' ? true : undefined
    })
  })
  after(async () => {
    await t.close()
    await translator.close()
  })

  it('sums characters sent and reused, requests and money per day and language', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const res = await api(`/v1/usage?since=${today}&until=${today}`)
    assert.equal(res.statusCode, 200, res.body)
    const report = res.json()
    assert.deepEqual([report.since, report.until, report.currency, report.pricePerMillionChars], [today, today, 'USD', 20])
    assert.deepEqual(report.days.map((d: { day: string; lang: string }) => `${d.day} ${d.lang}`), [`${today} en`, `${today} fr`])
    for (const lang of ['en', 'fr']) {
      const row = report.days.find((d: { lang: string }) => d.lang === lang)
      assert.equal(row.charsSent, sentTo(lang))
      assert.equal(row.requests, translator.calls.filter((c) => c.targetLanguage === lang).length)
      assert.ok(row.charsReused > 0, 'the update reused unchanged segments')
      assert.equal(row.estimatedCost, Math.round(sentTo(lang) * 20) / 1_000_000)
      assert.deepEqual(report.byLanguage[lang], { charsSent: row.charsSent, charsReused: row.charsReused, requests: row.requests, estimatedCost: row.estimatedCost })
    }
    assert.equal(report.total.charsSent, sentTo('en') + sentTo('fr'))
  })

  it('defaults to the last 30 days and is empty for days without use', async () => {
    const report = (await api('/v1/usage')).json()
    const today = new Date().toISOString().slice(0, 10)
    assert.equal(report.until, today)
    assert.equal((Date.parse(report.until) - Date.parse(report.since)) / 86_400_000, 29)
    assert.equal(report.days.length, 2)
    const past = (await api('/v1/usage?since=2020-01-01&until=2020-01-31')).json()
    assert.deepEqual([past.days, past.total], [[], { charsSent: 0, charsReused: 0, requests: 0, estimatedCost: 0 }])
  })

  it('answers bad spans with a problem naming the field, and needs an editor or admin key', async () => {
    for (const [query, field] of [['?since=2026-13-01', '/querystring/since'], ['?since=2026-02-01&until=2026-01-01', '/querystring/since'],
      ['?since=2020-01-01&until=2026-01-01', '/querystring/since'], ['?until=tomorrow', '/querystring/until']]) {
      const res = await api(`/v1/usage${query}`)
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.equal(res.json()['invalid-params'][0].name, field)
    }
    const sub = (await t.app.storage.listSubscribers())[0]!
    const feedKey = (await createApiKey(t.app.storage, 'subscriber', 'feed', new Date(), { subscriberId: sub.id })).key
    assert.equal((await api('/v1/usage', feedKey)).statusCode, 403)
  })
})
