// The editors' API end to end on a real port, translating through the real Google client and the
// project's emulator: a real Arabic story (../shared/samples, when present) found by headline
// words typed with tashkeel, an update with a note compared segment by segment (memory hits
// proven by the emulator's log), a kill with a reason delivered translated, the day's usage
// matching what the emulator received, and a revoked key refused on its next request.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { eventually } from '../helpers/app.ts'
import { type Stack, startStack } from '../helpers/stack.ts'

const samplePath = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'samples', 'seed-csto-summit.json')
const sample = await readFile(samplePath, 'utf8').then((text) => JSON.parse(text) as { headline: string; body: string; category: string }, () => null)

describe('editors\' API, end to end', { skip: sample === null ? `no sample at ${samplePath}` : false }, () => {
  let stack: Stack
  let feedKey = ''
  let id = ''
  const paragraphs = (sample?.body ?? '').split('\n').filter((p) => p.trim() !== '').slice(0, 4)
  const story = { guid: 'urn:e2e:editors:csto', headline: sample?.headline ?? '', body: paragraphs.join('\n'), category: sample?.category ?? 'politics' }
  const settled = (version: number) => eventually(async () => {
    const view = (await stack.api('GET', `/v1/articles/${id}`)).json
    return view.version === version && view.status === 'distributed' ? view : undefined
  }, 20_000, `version ${version} to be distributed`)
  const sentChars = (from: number): number => stack.emulator.translateRequests().slice(from)
    .reduce((n, r) => n + r.contents.reduce((m, c) => m + [...c].length, 0), 0)

  before(async () => {
    stack = await startStack()
    const sub = await stack.api('POST', '/v1/subscribers', { name: 'Desk', mode: 'pull', format: 'newsml-g2', languages: ['en'] })
    assert.equal(sub.status, 201, sub.text)
    feedKey = (await createApiKey(stack.app.storage, 'subscriber', 'desk', new Date(), { subscriberId: sub.json.id })).key
    const posted = await stack.api('POST', '/v1/articles', story)
    assert.equal(posted.status, 202, posted.text)
    id = posted.json.id
    await settled(1)
  })
  after(async () => { await stack?.close() })

  it('finds the story by headline words typed with tashkeel and another alef', async () => {
    // The last two words of the headline, written with vowel marks and hamza.
    const words = story.headline.split(' ').slice(-2).join(' ')
    const marked = words.replace(/ا/u, 'أ').replace(/(\p{L})/u, '$1َ')
    const found = await stack.api('GET', `/v1/articles?q=${encodeURIComponent(marked)}`)
    assert.equal(found.status, 200, found.text)
    assert.deepEqual(found.json.items.map((i: { id: string }) => i.id), [id], `searched for ${marked}`)
  })

  it('compares an update with a note segment by segment; only what changed went to the engine', async () => {
    const before = stack.emulator.translateRequests().length
    const note = 'تحديث: أضيفت فقرة عن موعد القمة المقبلة.'
    const update = { ...story, body: `${story.body}\nوتعقد القمة المقبلة في العام القادم.`, note }
    assert.equal((await stack.api('POST', '/v1/articles', update)).status, 202)
    const view = await settled(2)
    const sent = stack.emulator.translateRequests().slice(before).flatMap((r) => r.contents)
    assert.deepEqual(sent.sort(), ['وتعقد القمة المقبلة في العام القادم.', note].sort())
    const comparison = view.translations.en.comparison as Array<{ field: string; source: string; translation: string; fromMemory: boolean }>
    assert.deepEqual(comparison.filter((s) => !s.fromMemory).map((s) => s.field), ['paragraph', 'note'])
    assert.equal(comparison.at(-1)?.translation, view.translations.en.note)
    assert.equal(view.versions[1].note, note)
    assert.ok(view.cost.byLanguage.en.charsReused > 0)
  })

  it('delivers a kill with its reason translated, and counts the day\'s usage as the engine saw it', async () => {
    const reason = 'سُحب الخبر لمراجعة الأرقام.'
    const killed = await stack.api('POST', `/v1/articles/${id}/kill`, { reason })
    assert.equal(killed.status, 202, killed.text)
    const view = await settled(3)
    const items = (await stack.api('GET', '/v1/feed?limit=50', undefined, feedKey)).json.items as Array<{ version: number; body: string }>
    assert.ok(items.find((i) => i.version === 3)?.body.includes(view.translations.en.note))
    const today = new Date().toISOString().slice(0, 10)
    const usage = (await stack.api('GET', `/v1/usage?since=${today}&until=${today}`)).json
    assert.equal(usage.byLanguage.en.charsSent, sentChars(0), 'every character the emulator received, counted once')
    assert.equal(usage.byLanguage.en.requests, stack.emulator.translateRequests().length)
  })

  it('refuses a revoked key on its very next request', async () => {
    const created = (await stack.api('POST', '/v1/keys', { role: 'editor', label: 'leaked' })).json
    assert.equal((await stack.api('GET', '/v1/articles', undefined, created.key)).status, 200)
    assert.equal((await stack.api('DELETE', `/v1/keys/${created.id}`)).status, 204)
    assert.equal((await stack.api('GET', '/v1/articles', undefined, created.key)).status, 401)
    const keys = (await stack.api('GET', '/v1/keys')).json.keys as Array<{ id: string; revokedAt: string | null }>
    assert.ok(keys.find((k) => k.id === created.id)?.revokedAt)
  })
})
