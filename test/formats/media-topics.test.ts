// The category → IPTC Media Topics table: the spellings newsrooms send all land on real codes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { categoryKey, knownCategoryKeys, MEDIA_TOPIC_SCHEME, mediaTopicsFor, mediaTopicUri } from '../../src/formats/media-topics.ts'

const codes = (category: string | undefined) => mediaTopicsFor(category).map((topic) => topic.qcode)

describe('media topics', () => {
  it('normalises the ways editors spell a category', () => {
    assert.equal(categoryKey('internationalNews'), 'international-news')
    assert.equal(categoryKey(' Middle East '), 'middle-east')
    assert.equal(categoryKey('middle_east'), 'middle-east')
    assert.equal(categoryKey('SPORT'), 'sport')
    assert.equal(categoryKey('رياضة'), '')
  })

  it('maps the categories of the sample corpus and common desks', () => {
    assert.deepEqual(codes('politics'), ['medtop:11000000'])
    assert.deepEqual(codes('economy'), ['medtop:20000344', 'medtop:04000000'])
    assert.deepEqual(codes('Business'), ['medtop:20000344', 'medtop:04000000'])
    assert.deepEqual(codes('sport'), ['medtop:15000000'])
    assert.deepEqual(codes('sports'), ['medtop:15000000'])
    assert.deepEqual(codes('culture'), ['medtop:20000038', 'medtop:01000000'])
    assert.deepEqual(codes('internationalNews'), ['medtop:20000638', 'medtop:11000000'])
    assert.deepEqual(codes('middleEast'), ['medtop:20000638', 'medtop:11000000'])
    assert.deepEqual(codes('health'), ['medtop:07000000'])
    assert.deepEqual(codes('technology'), ['medtop:20000756', 'medtop:13000000'])
    assert.deepEqual(codes('weather'), ['medtop:17000000'])
    assert.deepEqual(codes('war'), ['medtop:16000000'])
    assert.deepEqual(codes('crime'), ['medtop:02000000'])
  })

  it('maps nothing for unknown or missing categories', () => {
    assert.deepEqual(codes('hobbies'), [])
    assert.deepEqual(codes(''), [])
    assert.deepEqual(codes(undefined), [])
    assert.deepEqual(codes('constructor'), [])
    assert.deepEqual(codes('__proto__'), [])
  })

  it('uses well-formed codes, always ending on a top-level topic, with names', () => {
    for (const key of knownCategoryKeys()) {
      const topics = mediaTopicsFor(key)
      assert.ok(topics.length > 0, key)
      for (const topic of topics) {
        assert.match(topic.qcode, /^medtop:(0[1-9]|1[0-7])000000$|^medtop:20\d{6}$/, key)
        assert.ok(topic.name.length > 0, key)
      }
      assert.match(topics.at(-1)!.qcode, /^medtop:(0[1-9]|1[0-7])000000$/, `${key} ends on a top-level topic`)
    }
  })

  it('gives each topic its URI in the IPTC scheme', () => {
    const [politics] = mediaTopicsFor('politics')
    assert.equal(mediaTopicUri(politics!), `${MEDIA_TOPIC_SCHEME}11000000`)
    assert.equal(MEDIA_TOPIC_SCHEME, 'http://cv.iptc.org/newscodes/mediatopic/')
  })
})
