// The story view every format reads: cleaning, fallbacks, dates and notices are decided once.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredVersion } from '../../src/articles/types.ts'
import { assertFormatVersion, storyOf } from '../../src/formats/story.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { goldenCases } from './golden-cases.ts'

const v1 = storyFixture('jerash-olives-v1')
const en = v1.translations.find((t) => t.lang === 'en')!
const provider = { name: ' Nashra\n Wire ' }

function withContent (content: Partial<StoredVersion['content']>): StoredVersion {
  return { ...v1.version, content: { ...v1.version.content, ...content } }
}

describe('storyOf', () => {
  it('describes the original with its direction and no translator', () => {
    const story = storyOf(v1.version, null, provider)
    assert.equal(story.isTranslation, false)
    assert.equal(story.guid, story.originalGuid)
    assert.deepEqual([story.lang, story.dir, story.sourceLang], ['ar', 'rtl', 'ar'])
    assert.equal(story.translator, undefined)
    assert.equal(story.originalHeadline, undefined)
    assert.equal(story.provider.name, 'Nashra Wire')
    assert.ok(!('contentModified' in story), 'optional fields are absent, not undefined')
  })

  it('describes a translation with the Arabic headline beside it and the engine and model', () => {
    const story = storyOf(v1.version, en, provider)
    assert.deepEqual([story.lang, story.dir, story.isTranslation], ['en', 'ltr', true])
    assert.deepEqual(story.originalHeadline, { value: v1.version.content.headline, lang: 'ar', dir: 'rtl' })
    assert.equal(story.versionCreated, en.createdAt)
    assert.equal(story.translator?.engine, 'google-v3')
    assert.deepEqual(story.slugline, { value: 'زيتون-جرش', lang: 'ar', dir: 'rtl' })
  })

  it('folds one-line fields onto one line and drops what XML cannot carry from every text', () => {
    const story = storyOf(withContent({
      headline: ' خبر\n\tعاجل\u0000 ',
      byline: '\u0007\n ',
      slugline: 'a\u2028b',
      paragraphs: ['  فقرة\u0001\n ثانية\uFFFE ', '\u0000\u0008', 'x\uD800y'],
    }), null, provider)
    assert.equal(story.headline.value, 'خبر عاجل')
    assert.equal(story.byline, undefined, 'a byline of control characters is no byline')
    assert.equal(story.slugline?.value, 'a b')
    assert.deepEqual(story.paragraphs, ['فقرة\n ثانية', 'xy'])
  })

  it('finds the place a dateline names, and only a place', () => {
    const located = (dateline: string) => storyOf(withContent({ dateline }), null, provider).located?.value
    assert.equal(located('جرش، ١٤ تشرين الأول'), 'جرش')
    assert.equal(located('Cairo, Oct 14 (Nashra)'), 'Cairo')
    assert.equal(located('موسكو'), 'موسكو')
    assert.equal(located('Gaza City - Sunday'), 'Gaza City')
    assert.equal(located('14 October 2025'), undefined)
    assert.equal(located('١٤ تشرين الأول'), undefined)
  })

  it('keeps urgency 1..9 and well-formed embargoes only', () => {
    assert.equal(storyOf(withContent({ urgency: 0 }), null, provider).urgency, undefined)
    assert.equal(storyOf(withContent({ urgency: 2.5 }), null, provider).urgency, undefined)
    assert.equal(storyOf(withContent({ urgency: 9 }), null, provider).urgency, 9)
    assert.equal(storyOf(withContent({ embargoedUntil: 'soon' }), null, provider).embargoedUntil, undefined)
    assert.equal(storyOf(withContent({ embargoedUntil: '2025-10-14T11:00:00+02:00' }), null, provider).embargoedUntil, '2025-10-14T09:00:00.000Z')
  })

  it('writes a notice for updates, corrections and kills only', () => {
    const notice = (event: StoredVersion['event']) => storyOf({ ...v1.version, event, version: 4 }, null, provider).notice
    assert.equal(notice('new'), undefined)
    assert.match(notice('update') ?? '', /^Update: version 4 /)
    assert.match(notice('correction') ?? '', /^Correction: version 4 /)
    assert.match(notice('kill') ?? '', /^Kill: /)
  })

  it('maps the category to Media Topics', () => {
    assert.deepEqual(storyOf(withContent({ category: 'Sports' }), null, provider).subjects.map((t) => t.qcode), ['medtop:15000000'])
    assert.deepEqual(storyOf(withContent({ category: 'hobbies' }), null, provider).subjects, [])
  })
})

describe('assertFormatVersion', () => {
  it('accepts a known version or none, and names the versions otherwise', () => {
    assert.doesNotThrow(() => assertFormatVersion('ninjs', undefined, ['3.1', '2.2']))
    assert.doesNotThrow(() => assertFormatVersion('ninjs', '2.2', ['3.1', '2.2']))
    assert.throws(() => assertFormatVersion('ninjs', '1.6', ['3.1', '2.2']), /ninjs has no version "1.6"; versions: 3.1, 2.2/)
  })
})

describe('a kill carries no story text', () => {
  it('says the story is withdrawn, with identifiers and metadata, in every format, version and language', () => {
    const kill = storyFixture('amman-bus-fares')
    const killCases = goldenCases().filter((c) => c.story.name === kill.name)
    assert.ok(killCases.length >= 12)
    // Every line of text the story had, in the original and in each translation.
    const words = [kill.version.content, ...kill.translations].flatMap((t) => [t.headline, ...t.paragraphs, t.byline ?? '', t.dateline ?? ''])
      .filter((w) => w.length > 0)
    for (const c of killCases) {
      const body = c.render()
      for (const w of words) assert.ok(!body.includes(w) && !body.includes(JSON.stringify(w).slice(1, -1)), `${c.file} repeats "${w}"`)
      assert.ok(body.includes('this story has been withdrawn'), `${c.file} carries the kill notice`)
      assert.ok(body.includes('canceled'), `${c.file} says canceled`)
      assert.ok(body.includes(kill.version.guid), `${c.file} names the story`)
    }
    const story = storyOf(kill.version, kill.translations[0]!, provider)
    assert.deepEqual([story.withdrawn, story.paragraphs, story.images, story.byline, story.originalHeadline], [true, [], [], undefined, undefined])
  })
})
