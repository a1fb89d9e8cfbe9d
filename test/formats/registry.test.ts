// The registry contract: lookup by the name a subscriber chose, nothing reachable through
// Object.prototype, and every registered formatter renders every fixture deterministically.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import { type FormatInput, formatNames, formats, getFormat, isFormatName } from '../../src/formats/registry.ts'
import { storyFixtures } from '../fixtures/articles/stories.ts'

const provider = { name: 'Nashra' }

function inputs (): FormatInput[] {
  return storyFixtures.flatMap((story) => [
    { version: story.version, translation: null, provider },
    { version: story.version, translation: story.translation, provider },
  ])
}

describe('format registry', () => {
  it('lists the registered formats', () => {
    assert.deepEqual(formatNames(), ['newsml-g2'])
  })

  it('returns the formatter for a known name', () => {
    assert.equal(getFormat('newsml-g2'), renderNewsmlG2)
    assert.ok(isFormatName('newsml-g2'))
  })

  it('returns undefined for unknown names, including Object.prototype members', () => {
    for (const name of ['ninjs', 'NEWSML-G2', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(getFormat(name), undefined, name)
      assert.ok(!isFormatName(name), name)
    }
  })

  it('cannot be changed at run time', () => {
    assert.ok(Object.isFrozen(formats))
    assert.throws(() => {
      (formats as Record<string, unknown>)['evil'] = () => ({ contentType: 'text/plain', body: '' })
    }, TypeError)
  })

  for (const name of formatNames()) {
    it(`${name} renders every fixture, deterministically`, () => {
      const format = getFormat(name)
      assert.ok(format)
      for (const input of inputs()) {
        const first = format(input)
        assert.match(first.contentType, /^[a-z]+\/[a-z0-9.+-]+$/)
        assert.ok(first.body.length > 0)
        assert.deepEqual(format(structuredClone(input)), first)
      }
    })

    it(`${name} does not modify its input`, () => {
      for (const input of inputs()) {
        const before = structuredClone(input)
        getFormat(name)?.(input)
        assert.deepEqual(input, before)
      }
    })
  }
})
