// Golden files for NewsML-G2: every fixture story rendered in Arabic and English must match the
// committed documents byte for byte (UPDATE=1 rewrites them), and those documents must pass the
// IPTC conformance kit. Golden files make every change to the wire format visible in review.
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import type { StoredTranslation, StoredVersion } from '../../src/articles/types.ts'
import { originalItemGuid, translationItemGuid } from '../../src/formats/identifiers.ts'
import { NEWSML_G2_CONTENT_TYPE, renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import { storyFixtures } from '../fixtures/articles/stories.ts'
import { conformanceValidator, repoRoot, validateDocuments } from '../helpers/conformance.ts'

const goldenDir = path.join(repoRoot, 'test', 'fixtures', 'golden', 'newsml-g2')
const update = process.env['UPDATE'] === '1'
const provider = { name: 'Nashra', uri: 'https://nashra.example/' }

function render (version: StoredVersion, translation: StoredTranslation | null): string {
  return renderNewsmlG2({ version, translation, provider }).body
}

const cases = storyFixtures.flatMap((story) => [
  { file: `${story.name}.${story.version.content.language}.xml`, body: () => render(story.version, null) },
  { file: `${story.name}.${story.translation.lang}.xml`, body: () => render(story.version, story.translation) },
])

describe('NewsML-G2 golden files', () => {
  for (const { file, body } of cases) {
    it(`${file} matches the golden file${update ? ' (rewritten: UPDATE=1)' : ''}`, async () => {
      const goldenPath = path.join(goldenDir, file)
      if (update) {
        await mkdir(goldenDir, { recursive: true })
        await writeFile(goldenPath, body(), 'utf8')
        return
      }
      const expected = await readFile(goldenPath, 'utf8').catch(() => {
        throw new Error(`Missing golden file ${goldenPath}; run the tests with UPDATE=1 to create it`)
      })
      assert.equal(body(), expected, `${file} differs from the golden file; run with UPDATE=1 if the change is intended`)
    })
  }

  it('golden files pass the IPTC conformance kit', async (t) => {
    if (conformanceValidator() === null) {
      t.skip('IPTC conformance kit not found at ../shared/conformance/validate')
      return
    }
    const result = await validateDocuments(cases.map(({ file }) => path.join(goldenDir, file)))
    assert.ok(result.ok, result.output)
    assert.match(result.output, new RegExp(`${cases.length} passed, 0 failed`))
  })
})

describe('renderNewsmlG2', () => {
  const [story] = storyFixtures
  assert.ok(story)
  const { version, translation } = story

  it('returns the NewsML-G2 news item media type', () => {
    assert.equal(renderNewsmlG2({ version, translation: null, provider }).contentType, NEWSML_G2_CONTENT_TYPE)
    assert.equal(NEWSML_G2_CONTENT_TYPE, 'application/vnd.iptc.g2.newsitem+xml')
  })

  it('is deterministic', () => {
    assert.equal(render(version, translation), render(version, translation))
  })

  it('keeps the guid across versions and gives each language its own', () => {
    const next: StoredVersion = { ...version, id: 'ver_next', version: 2, versionCreated: '2025-10-14T09:00:00Z' }
    const guidOf = (body: string) => /<newsItem [^>]*guid="([^"]+)"/.exec(body)?.[1]
    assert.equal(guidOf(render(next, null)), guidOf(render(version, null)))
    assert.equal(guidOf(render(next, { ...translation, versionId: 'ver_next' })), guidOf(render(version, translation)))
    assert.notEqual(guidOf(render(version, null)), guidOf(render(version, translation)))
    assert.equal(guidOf(render(version, null)), originalItemGuid(version.guid))
    assert.equal(guidOf(render(version, translation)), translationItemGuid(version.guid, 'en'))
    assert.match(render(next, null), /<contentModified>2025-10-14T09:00:00Z<\/contentModified>/)
  })

  it('marks the Arabic original right-to-left', () => {
    const body = render(version, null)
    assert.match(body, /<newsItem [^>]*xml:lang="ar"/)
    assert.match(body, /<html xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="ar" xml:lang="ar" dir="rtl">/)
    assert.match(body, /<headline dir="rtl">مزارعو جرش/)
    assert.doesNotMatch(body, /nrel:|<link /)
  })

  it('links a translation to its original and names the engine and model', () => {
    const body = render(version, translation)
    const original = originalItemGuid(version.guid)
    assert.match(body, /<scheme alias="nrel" uri="urn:nashra:cv:relation:">/)
    assert.ok(body.includes(`<link rel="nrel:translationOf" residref="${original}" version="1" contenttype="${NEWSML_G2_CONTENT_TYPE}"/>`))
    assert.match(body, /<contributor role="nrol:machineTranslation">\s*<name xml:lang="en">Machine translation from ar to en \(engine: google-v3; model: projects\/nashra-dev\/locations\/global\/models\/general\/nmt\)<\/name>/)
    assert.match(body, /<headline>Jerash farmers[^<]*<\/headline>\s*<headline xml:lang="ar" dir="rtl">مزارعو جرش/)
    assert.match(body, /<versionCreated>2025-10-14T07:42:13.512Z<\/versionCreated>/)
    assert.match(body, /<html xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="en" xml:lang="en">/)
  })

  it('falls back to the original byline, tagged with its language, when the translation has none', () => {
    const withoutByline: StoredTranslation = { ...translation, byline: undefined }
    assert.match(render(version, withoutByline), /<by xml:lang="ar" dir="rtl">ريم العبادي<\/by>/)
  })

  it('maps the publication status', () => {
    for (const pubStatus of ['usable', 'withheld', 'canceled'] as const) {
      assert.match(render({ ...version, pubStatus }, null), new RegExp(`<pubStatus qcode="stat:${pubStatus}"/>`))
    }
  })

  it('leaves out urgency outside 1..9 instead of emitting an invalid document', () => {
    const content = { ...version.content, urgency: 12 }
    assert.doesNotMatch(render({ ...version, content }, null), /<urgency>/)
  })

  it('refuses a translation of another version and invalid language tags', () => {
    assert.throws(() => render(version, { ...translation, versionId: 'ver_other' }), /belongs to version ver_other/)
    assert.throws(() => render(version, { ...translation, lang: 'en gb' }), RangeError)
    assert.throws(() => render({ ...version, content: { ...version.content, language: '' } }, null), RangeError)
  })
})
