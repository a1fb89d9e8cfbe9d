// The pipeline through build(): retryable engine failures are retried until the version is
// translated; permanent ones fail it with the reason.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GoogleTranslateError } from '../../src/translation/google-v3.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { isRetryable } from '../../src/translation/errors.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, eventually } from '../helpers/app.ts'

describe('translation stage', () => {
  it('classifies engine errors by gRPC code', () => {
    const err = (code: number, message = 'x') => new GoogleTranslateError(message, { code })
    for (const code of [8, 14, 4, 13]) assert.equal(isRetryable(err(code)), true, `code ${code}`)
    for (const code of [3, 16, 5]) assert.equal(isRetryable(err(code)), false, `code ${code}`)
    assert.equal(isRetryable(err(7, 'Rate Limit Exceeded')), true)
    assert.equal(isRetryable(err(7, 'The caller does not have permission')), false)
  })

  it('retries a retryable failure and ends translated', async () => {
    const translator = createFakeEngine({
      beforeTranslate: (_req, i) => { if (i === 0) throw new GoogleTranslateError('unavailable', { code: 14 }) }
    })
    const t = await buildTestApp({ translator })
    try {
      await t.app.ready()
      const { id } = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
      const view = await eventually(async () => {
        const v = (await t.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json()
        return v.status === 'distributed' ? v : undefined
      }, 10_000, 'the version to be distributed')
      assert.equal(translator.calls.length, 2)
      assert.equal(view.translations.en.body.length, 3)
      assert.match(view.translations.en.headline, /^\[pseudo-en\]/)
    } finally {
      await t.close()
      await translator.close()
    }
  })

  it('fails a version for good on INVALID_ARGUMENT, with the reason', async () => {
    const translator = createFakeEngine({
      beforeTranslate: () => { throw new GoogleTranslateError('Target language is invalid', { code: 3 }) }
    })
    const t = await buildTestApp({ translator })
    try {
      await t.app.ready()
      const { id } = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
      const view = await eventually(async () => {
        const v = (await t.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json()
        return v.status === 'failed' ? v : undefined
      }, 10_000, 'the version to fail')
      assert.match(view.statusReason, /Target language is invalid/)
      assert.equal(translator.calls.length, 1)
    } finally {
      await t.close()
      await translator.close()
    }
  })
})

describe('translation stage, partial failures', () => {
  it('does not pay twice for a language done before another one failed', async () => {
    let frFailures = 0
    const translator = createFakeEngine({
      beforeTranslate: (request) => {
        if (request.targetLanguage === 'fr' && frFailures++ === 0) throw new GoogleTranslateError('unavailable', { code: 14 })
      },
    })
    const t = await buildTestApp({ translator })
    try {
      await t.app.ready()
      const sub = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Wire', mode: 'pull', languages: ['en', 'fr'] } })
      assert.equal(sub.statusCode, 201, sub.body)
      const { id } = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: summitPost })).json()
      const view = await eventually(async () => {
        const v = (await t.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json()
        return v.status === 'distributed' ? v : undefined
      }, 10_000, 'the version to be distributed')
      // Languages go to the engine at once, so their calls come in either order.
      assert.deepEqual(translator.calls.map((c) => c.targetLanguage).sort(), ['en', 'fr', 'fr'], 'English went once')
      const sent = translator.calls.find((c) => c.targetLanguage === 'en')!.contents.reduce((n, c) => n + [...c].length, 0)
      assert.deepEqual([view.translations.en.charsSent, view.translations.en.segmentsReused], [sent, 0], 'what English cost, counted once')
      assert.deepEqual([view.translations.fr.charsSent, view.translations.fr.requests], [sent, 1])
    } finally {
      await t.close()
      await translator.close()
    }
  })
})
