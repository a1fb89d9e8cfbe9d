// The registry contract: lookup by the name (and format version) a subscriber chose, nothing
// reachable through Object.prototype, and every registered formatter renders every fixture in
// every version and language deterministically, without touching its input.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import {
  ALL_FORMAT_VERSIONS,
  carriesAllLanguages,
  formatNames,
  formatVersions,
  getFormat,
  isFormatName,
  isFormatVersion,
} from '../../src/formats/registry.ts'
import { goldenCases } from './golden-cases.ts'

describe('format registry', () => {
  it('lists the registered formats and their versions, the default first', () => {
    assert.deepEqual(formatNames(), ['atom', 'newsml-g2', 'newsml-g2-message', 'ninjs', 'nitf'])
    assert.deepEqual(formatVersions('ninjs'), ['3.1', '2.2'])
    assert.deepEqual(formatVersions('newsml-g2'), ['2.35'])
    assert.deepEqual(formatVersions('nitf'), ['3.6'])
    assert.deepEqual(formatVersions('nope'), [])
    // Derived from the registry: sorted, each version once (newsml-g2 and its message share 2.35).
    assert.deepEqual(ALL_FORMAT_VERSIONS, ['1.0', '2.2', '2.35', '3.1', '3.6'])
  })

  it('says which formats carry every language of a version in one document (one message per version)', () => {
    assert.deepEqual(formatNames().filter(carriesAllLanguages), ['newsml-g2-message'])
    assert.equal(carriesAllLanguages('constructor'), false)
  })

  it('returns the formatter for a known name, and a version-bound one for a known version', () => {
    assert.equal(getFormat('newsml-g2'), renderNewsmlG2)
    assert.ok(isFormatName('ninjs'))
    const ninjs22 = getFormat('ninjs', '2.2')
    assert.ok(ninjs22)
    const [golden] = goldenCases().filter((c) => c.format === 'ninjs')
    assert.ok(golden)
    assert.match(ninjs22({ ...golden.input, formatVersion: undefined }).body, /"version": "2.2"/)
    assert.ok(isFormatVersion('ninjs', '3.1') && isFormatVersion('ninjs', undefined) && isFormatVersion('nitf', null))
  })

  it('returns undefined for unknown names, unknown versions and Object.prototype members', () => {
    for (const name of ['NEWSML-G2', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(getFormat(name), undefined, name)
      assert.ok(!isFormatName(name), name)
    }
    for (const [name, version] of [['ninjs', '3.0'], ['nitf', '2.2'], ['newsml-g2', ''], ['atom', 'constructor']]) {
      assert.equal(getFormat(name!, version), undefined, `${name} ${version}`)
      assert.ok(!isFormatVersion(name!, version), `${name} ${version}`)
    }
  })

  it('cannot be changed at run time', () => {
    const names: string[] = formatNames()
    names.push('evil')
    assert.ok(!isFormatName('evil'))
    assert.equal(getFormat('evil'), undefined)
    assert.deepEqual(formatNames(), ['atom', 'newsml-g2', 'newsml-g2-message', 'ninjs', 'nitf'])
  })

  it('every format renders every fixture in every version and language, deterministically', () => {
    for (const golden of goldenCases()) {
      const format = getFormat(golden.format, golden.formatVersion)
      assert.ok(format)
      const first = format(golden.input)
      assert.match(first.contentType, /^[a-z]+\/[a-z0-9.+-]+(;type=entry)?$/, golden.file)
      assert.ok(first.body.length > 0, golden.file)
      assert.deepEqual(format(structuredClone(golden.input)), first, golden.file)
    }
  })

  it('no format modifies its input', () => {
    for (const golden of goldenCases()) {
      const before = structuredClone(golden.input)
      getFormat(golden.format, golden.formatVersion)?.(golden.input)
      assert.deepEqual(golden.input, before, golden.file)
    }
  })
})
