// GET /v1/articles/:id/renditions/:format serves every format, format version, language and
// version with its media type; unknown ones are 404 problem+json listing what exists. Subscribers
// choose a format and, where several exist, its version; their deliveries are rendered so.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { formatNames, formatVersions } from '../../src/formats/registry.ts'
import { auth, buildTestApp, eventually, type TestApp } from '../helpers/app.ts'
import { checkWellFormedContents, conformanceValidator, validateContents, xmllintAvailable } from '../helpers/conformance.ts'

// Entity text as a CMS leaves it: decoded once at ingest, so it shows as the characters it names.
const story = {
  guid: 'urn:nashra:test:renditions-1',
  headline: 'وزير الزراعة: &quot;موسم استثنائي&quot; للزيتون',
  body: 'قال الوزير إن الموسم &#39;استثنائي&#39; هذا العام.\nوأضاف أن التصدير سيبدأ الشهر المقبل.',
  // A name written with a named reference outside the few quotes CMSs use (issue 13, item 7).
  byline: 'Ren&eacute; حداد',
  dateline: 'عمّان، ١٤ تشرين الأول',
  category: 'economy',
  slugline: 'زيتون',
  urgency: 3,
}

describe('renditions API', () => {
  let t: TestApp
  let articleId = ''
  let subscriberId = ''
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, key?: string) =>
    t.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })

  before(async () => {
    t = await buildTestApp()
    // A pull subscriber in ninjs: its languages decide what is translated, its feed shows what it got.
    const sub = await api('POST', '/v1/subscribers', { name: 'Desk', mode: 'pull', format: 'ninjs', languages: ['en', 'fr'] })
    assert.equal(sub.statusCode, 201, sub.body)
    subscriberId = sub.json().id
    const posted = await api('POST', '/v1/articles', story)
    assert.equal(posted.statusCode, 202, posted.body)
    articleId = posted.json().id
    await eventually(async () => ((await api('GET', `/v1/articles/${articleId}`)).json().status === 'distributed' ? true : undefined),
      10_000, 'the story to be distributed')
  })
  after(async () => { await t.close() })

  it('serves every format, version and language with its media type, all valid', async () => {
    const documents: Record<string, string> = {}
    for (const format of formatNames()) {
      for (const formatVersion of formatVersions(format)) {
        for (const lang of ['ar', 'en', 'fr']) {
          const res = await api('GET', `/v1/articles/${articleId}/renditions/${format}?lang=${lang}&formatVersion=${formatVersion}&version=1`)
          assert.equal(res.statusCode, 200, `${format} ${formatVersion} ${lang}: ${res.body}`)
          const type = String(res.headers['content-type'])
          assert.match(type, format === 'ninjs' ? /^application\/json/ : format === 'atom' ? /^application\/atom\+xml;\s*type=entry/ : /xml/)
          documents[`${format}-${formatVersion}.${lang}.${format === 'ninjs' ? 'json' : 'xml'}`] = res.body
        }
      }
    }
    for (const [name, body] of Object.entries(documents)) {
      if (name.startsWith('atom')) continue // an Atom entry carries no byline
      assert.ok(body.includes('René'), `${name} names René`)
      assert.ok(!body.includes('eacute'), `${name} carries no undecoded reference`)
    }
    if (conformanceValidator() !== null) {
      const iptc = Object.fromEntries(Object.entries(documents).filter(([name]) => !name.startsWith('atom')))
      const result = await validateContents(iptc)
      assert.ok(result.ok, result.output)
    }
    if (await xmllintAvailable()) {
      const result = await checkWellFormedContents(Object.fromEntries(Object.entries(documents).filter(([name]) => name.startsWith('atom'))))
      assert.ok(result.ok, result.output)
    }
  })

  it('shows entity text from the CMS as the characters it names, escaped once', async () => {
    const xml = (await api('GET', `/v1/articles/${articleId}/renditions/newsml-g2`)).body
    assert.match(xml, /<headline dir="rtl">وزير الزراعة: "موسم استثنائي" للزيتون<\/headline>/)
    assert.match(xml, /<p>قال الوزير إن الموسم 'استثنائي' هذا العام.<\/p>/)
    assert.doesNotMatch(xml, /&amp;quot;|&amp;#39;|&quot;موسم/)
    const ninjs = JSON.parse((await api('GET', `/v1/articles/${articleId}/renditions/ninjs`)).body)
    assert.equal(ninjs.headlines[0].value, 'وزير الزراعة: "موسم استثنائي" للزيتون')
  })

  it('defaults to the original language, the latest version and the newest format version', async () => {
    const res = await api('GET', `/v1/articles/${articleId}/renditions/ninjs`)
    const doc = JSON.parse(res.body)
    assert.deepEqual([doc.language, doc.version, doc.standard.version], ['ar', '1', '3.1'])
    const older = JSON.parse((await api('GET', `/v1/articles/${articleId}/renditions/ninjs?formatVersion=2.2&lang=en`)).body)
    assert.deepEqual([older.language, older.standard.version, older.associations[0].name], ['en', '2.2', 'original'])
  })

  it('answers unknown formats, format versions, languages and versions with 404 listing what exists', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['/renditions/rss', 'formats', formatNames()],
      ['/renditions/ninjs?formatVersion=1.6', 'formatVersions', ['3.1', '2.2']],
      ['/renditions/nitf?formatVersion=2.2', 'formatVersions', ['3.6']],
      ['/renditions/atom?lang=de', 'languages', ['ar', 'en', 'fr']],
      ['/renditions/nitf?version=7', 'versions', 1],
    ]
    for (const [path, key, expected] of cases) {
      const res = await api('GET', `/v1/articles/${articleId}${path}`)
      assert.equal(res.statusCode, 404, path)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, path)
      const problem = res.json()
      assert.deepEqual(key === 'languages' ? [...problem[key]].sort() : problem[key], expected, path)
    }
    assert.equal((await api('GET', `/v1/articles/${articleId}/renditions/ninjs?formatVersion=latest`)).statusCode, 400)
  })

  it('lets a subscriber choose its format version, and renders its deliveries in it', async () => {
    const bad = await api('PATCH', `/v1/subscribers/${subscriberId}`, { format: 'nitf', formatVersion: '2.2' })
    assert.equal(bad.statusCode, 400, bad.body)
    const alone = await api('PATCH', `/v1/subscribers/${subscriberId}`, { formatVersion: '2.2' })
    assert.equal(alone.statusCode, 400, 'a format version goes with its format')
    const patched = await api('PATCH', `/v1/subscribers/${subscriberId}`, { format: 'ninjs', formatVersion: '2.2' })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json().formatVersion, '2.2')
    assert.equal((await api('GET', `/v1/subscribers/${subscriberId}`)).json().formatVersion, '2.2')

    const key = (await api('POST', '/v1/keys', { role: 'subscriber', label: 'desk', subscriberId })).json().key
    const updated = await api('POST', '/v1/articles', { ...story, headline: 'وزير الزراعة يتوقع موسماً استثنائياً' })
    assert.equal(updated.json().version, 2)
    const items = await eventually(async () => {
      const feed = (await api('GET', '/v1/feed', undefined, key)).json()
      const v2 = feed.items.filter((item: { version: number }) => item.version === 2)
      return v2.length === 2 ? feed.items : undefined
    }, 10_000, 'version 2 in the feed')
    // The feed embeds ninjs as an object, not as a string to parse again.
    for (const item of items as Array<{ version: number; body: Record<string, any>; lang: string }>) {
      const doc = item.body
      assert.equal(typeof doc, 'object')
      assert.equal(doc.standard.version, item.version === 1 ? '3.1' : '2.2', `v${item.version} ${item.lang}`)
      assert.equal(item.version === 1 ? doc.pubStatus : doc.pubstatus, 'usable')
    }

    // A new format without a version of its own starts at that format's default.
    const nitf = await api('PATCH', `/v1/subscribers/${subscriberId}`, { format: 'nitf' })
    assert.equal(nitf.statusCode, 200, nitf.body)
    assert.equal(nitf.json().formatVersion, undefined)
  })
})
