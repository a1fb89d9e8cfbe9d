// Which languages the stage translates a story into: the union of what the subscribers whose
// filters match it want, each once, English when nobody asked, never a code Google does not know.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { targetLanguages } from '../../src/translation/translate-version.ts'
import { auth, buildTestApp, eventually } from '../helpers/app.ts'

describe('target languages', () => {
  it('takes the union, each language once, without the source, English when nobody asked', () => {
    assert.deepEqual(targetLanguages('ar', [['en', 'fr'], ['fr', 'de'], ['EN']]), ['de', 'en', 'fr'])
    assert.deepEqual(targetLanguages('ar', [['ar', 'en']]), ['en'])
    assert.deepEqual(targetLanguages('ar', []), ['en'])
  })

  it('translates for the subscribers whose filters match the story, and skips codes Google does not know', async () => {
    const translator = createFakeEngine()
    const t = await buildTestApp({ translator })
    try {
      await t.app.ready()
      const subscribe = async (languages: string[], filters?: object) => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: languages.join('+'), mode: 'pull', languages, ...(filters === undefined ? {} : { filters }) } })
        assert.equal(res.statusCode, 201, res.body)
      }
      await subscribe(['en', 'fr'])
      await subscribe(['de'], { categories: ['sport'] })
      await subscribe(['tr'], { categories: ['politics'] })
      // Registration refuses unknown codes now; a subscriber stored before that rule must not stall the stage.
      assert.equal((await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'x', mode: 'pull', languages: ['tlh'] } })).statusCode, 400)
      const now = new Date().toISOString()
      await t.app.storage.createSubscriber({
        id: '3d9c1f0e-7a51-4c6b-9e2f-0b8a4d6e1c57',
        name: 'legacy',
        mode: 'pull',
        url: null,
        format: 'newsml-g2',
        languages: ['tlh'],
        filters: { categories: ['politics'] },
        active: true,
        disabledReason: null,
        createdAt: now,
        updatedAt: now,
        secret: 'whsec_legacy'
      })
      const posted = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: { headline: 'قمة في دوشنبه', body: 'اجتمع القادة.', category: 'politics' } })
      const view = await eventually(async () => {
        const v = (await t.app.inject({ url: `/v1/articles/${posted.json().id}`, headers: auth() })).json()
        return v.status === 'distributed' ? v : undefined
      }, 10_000, 'the story to be distributed')
      assert.deepEqual(Object.keys(view.translations).sort(), ['en', 'fr', 'tr'])
      assert.deepEqual(translator.calls.map((c) => c.targetLanguage).sort(), ['en', 'fr', 'tr'])
    } finally {
      await t.close()
      await translator.close()
    }
  })
})
