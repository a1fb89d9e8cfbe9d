// Issue 10: inline markup is bounded at the door. The stories that crashed or stalled the service
// are refused with a 400 naming the field and the limit, and nothing is stored; markup at the
// limits is accepted.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { INLINE_LIMITS } from '../../src/translation/inline-markup.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

const nested = (depth: number, tag = 'b'): string => `<${tag}>`.repeat(depth) + 'ب' + `</${tag}>`.repeat(depth)
const plain = 'قالت الوكالة في بيانها إن المحادثات ستستمر حتى نهاية الأسبوع.'

/** The hostile stories of issue 10, each with what the refusal must say. */
export const HOSTILE_BODIES: Array<{ name: string; body: string; reason: RegExp }> = [
  { name: '<b>×100000', body: `${plain}\n${plain}\n${nested(100_000)}`, reason: /^paragraph 3 inline markup nests 100000 levels deep; at most 32/ },
  { name: '<b>×8000', body: `${plain}\n${nested(8000)}`, reason: /^paragraph 2 inline markup nests 8000 levels deep; at most 32/ },
  { name: '<strong>×2500', body: `${plain}\n${nested(2500, 'strong')}`, reason: /^paragraph 2 inline markup nests 2500 levels deep/ },
  {
    name: '10,000 nested inline tags',
    body: ['b', 'i', 'em', 'strong'].map((t) => `<${t}>`).join('').repeat(2500) + plain +
    ['strong', 'em', 'i', 'b'].map((t) => `</${t}>`).join('').repeat(2500),
    reason: /^paragraph 1 inline markup nests 10000 levels deep/
  },
  { name: '600 tags side by side', body: `${'<b>ب</b> '.repeat(300)}${plain}`, reason: /^paragraph 1 holds 600 inline tags; at most 512/ },
  { name: 'a 9 KB link', body: `<a href="https://e.example/${'x'.repeat(9000)}">${plain}</a>`, reason: /characters of inline tags; at most 8192/ },
]

describe('inline markup limits at ingest', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const post = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload })

  for (const [i, { name, body, reason }] of HOSTILE_BODIES.entries()) {
    it(`refuses ${name} with a 400 naming /body/body and the limit, storing nothing`, async () => {
      const guid = `urn:test:hostile:${i}`
      const res = await post({ guid, headline: 'خبر', body })
      assert.equal(res.statusCode, 400)
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/)
      const [param, ...more] = res.json()['invalid-params']
      assert.equal(more.length, 0)
      assert.equal(param.name, '/body/body')
      assert.match(param.reason, reason)
      const retry = await post({ guid, headline: 'خبر', body: plain })
      assert.equal(retry.json().version, 1, 'the refused story left no version behind')
    })
  }

  it(`accepts markup nested ${INLINE_LIMITS.depth} deep and ${INLINE_LIMITS.tags} tags in a paragraph`, async () => {
    const deep = await post({ headline: 'خبر', body: `${plain}\n${nested(INLINE_LIMITS.depth)}` })
    assert.equal(deep.statusCode, 202)
    const many = await post({ headline: 'خبر', body: `${'<i>ب</i> '.repeat(INLINE_LIMITS.tags / 2)}${plain}` })
    assert.equal(many.statusCode, 202)
  })

  it('counts only markup: unpaired tags are text and do not count', async () => {
    const res = await post({ headline: 'خبر', body: `${plain.repeat(6)} ${'<b>'.repeat(40)}` })
    assert.equal(res.statusCode, 202)
  })
})
