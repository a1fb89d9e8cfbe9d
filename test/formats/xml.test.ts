import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  collapseWhitespace,
  el,
  escapeAttr,
  escapeText,
  serialize,
  stripInvalidXmlChars,
} from '../../src/formats/xml.ts'

describe('xml escaping', () => {
  it('escapes markup characters in text', () => {
    assert.equal(escapeText('a & b < c > d ]]> "q" \'s\''), 'a &amp; b &lt; c &gt; d ]]&gt; "q" \'s\'')
    assert.equal(serialize(el('p', {}, '<script>alert(1)</script>')), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
  })

  it('escapes already-escaped text again: decoding entities is not this layer\'s job', () => {
    assert.equal(escapeText('&quot;hi&quot; &amp; &#x41;'), '&amp;quot;hi&amp;quot; &amp;amp; &amp;#x41;')
  })

  it('escapes quotes, newlines, tabs and carriage returns in attribute values', () => {
    assert.equal(escapeAttr('say "hi"\n\tand\r\n<go> & \'stay\''),
      'say &quot;hi&quot;&#xA;&#x9;and&#xD;&#xA;&lt;go&gt; &amp; \'stay\'')
    assert.equal(serialize(el('a', { title: 'x"y\nz' })), '<a title="x&quot;y&#xA;z"/>')
  })

  it('keeps carriage returns in text as references so parsers do not fold them', () => {
    assert.equal(escapeText('a\r\nb\tc'), 'a&#xD;\nb\tc')
  })

  it('drops characters XML 1.0 forbids', () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')
    assert.equal(stripInvalidXmlChars(controls), '\t\n\r')
    assert.equal(stripInvalidXmlChars('a\uFFFEb\uFFFFc\u0000d'), 'abcd')
    assert.equal(escapeText('x\u0001<\u001Fy'), 'x&lt;y')
    assert.equal(escapeAttr('x\u0008y\u000Bz'), 'xyz')
  })

  it('drops lone surrogates but keeps pairs (astral characters)', () => {
    assert.equal(stripInvalidXmlChars('a\uD800b\uDC00c'), 'abc')
    assert.equal(stripInvalidXmlChars('x\uDC00\uD800y'), 'xy')
    assert.equal(stripInvalidXmlChars('emoji \uD83D\uDCF0 end'), 'emoji 📰 end')
    assert.equal(escapeAttr('\uD83D'), '')
  })

  it('keeps allowed non-ASCII text, bidi controls and U+FFFD as they are', () => {
    const text = 'خبر \u202Bعاجل\u202C \u2067x\u2069 \u00A0 \uFFFD ١٢٣'
    assert.equal(escapeText(text), text)
  })

  it('omits attributes whose value is undefined and writes numbers', () => {
    assert.equal(serialize(el('item', { a: undefined, b: 'x', version: 3 })), '<item b="x" version="3"/>')
  })

  it('skips null, undefined and false children and flattens arrays', () => {
    const node = el('r', {}, null, undefined, false, [el('a'), [el('b'), 't']], '')
    assert.equal(serialize(node), '<r><a/><b/>t</r>')
  })

  it('rejects names that are not XML names', () => {
    assert.throws(() => el('a b'), TypeError)
    assert.throws(() => el('1x'), TypeError)
    assert.throws(() => el('<x>'), TypeError)
    assert.throws(() => el('x', { 'on"click': 'y' }), TypeError)
    assert.doesNotThrow(() => el('x', { 'xml:lang': 'ar', xmlns: 'urn:x' }))
  })

  it('writes a declaration and indents element-only content when asked', () => {
    const doc = el('root', { xmlns: 'urn:x' },
      el('meta', {}, el('name', {}, 'A & B')),
      el('mixed', {}, 'text ', el('b', {}, 'bold'), ' tail'))
    assert.equal(serialize(doc, { declaration: true, pretty: true }), [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<root xmlns="urn:x">',
      '  <meta>',
      '    <name>A &amp; B</name>',
      '  </meta>',
      '  <mixed>text <b>bold</b> tail</mixed>',
      '</root>',
      '',
    ].join('\n'))
  })

  it('writes compact output by default', () => {
    assert.equal(serialize(el('a', {}, el('b', {}, el('c')))), '<a><b><c/></b></a>')
  })
})

describe('collapseWhitespace', () => {
  it('folds tabs, newlines and line separators into single spaces and trims', () => {
    assert.equal(collapseWhitespace('  one\ttwo\r\n\nthree\u2028four\u2029five\u0085six  '), 'one two three four five six')
  })

  it('keeps no-break spaces, which are deliberate', () => {
    assert.equal(collapseWhitespace('10\u00A0km'), '10\u00A0km')
  })

  it('drops forbidden characters before folding, leaving no double spaces', () => {
    assert.equal(collapseWhitespace('a \u0000 \uFFFE\n\uD800 b\u0007'), 'a b')
  })

  it('turns whitespace-only input into the empty string', () => {
    assert.equal(collapseWhitespace(' \n\t '), '')
  })
})
