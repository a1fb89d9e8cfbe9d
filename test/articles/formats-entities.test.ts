// What the wire formats need from ingest (issue 4, item 3): entity text a CMS leaves in a story is
// decoded exactly once, so formats neither show it literally nor escape it twice.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntities, normalizeArticle } from '../../src/articles/normalize.ts'

describe('entity decoding for the wire formats', () => {
  it('decodes quotes in every spelling a CMS uses, once', () => {
    assert.equal(decodeEntities('&quot;a&quot; &#39;b&#39; &#x27;c&#x27; &apos;d&apos; &#34;e&#x22;'), '"a" \'b\' \'c\' \'d\' "e"')
    assert.equal(decodeEntities('&amp;quot; stays &quot; as text'), '&quot; stays " as text')
  })

  it('decodes the typographic entities word processors produce', () => {
    assert.equal(decodeEntities('&ldquo;x&rdquo; &lsquo;y&rsquo; &hellip; &bull; &shy;&deg;&times;&euro;'), '“x” ‘y’ … • \u00ad°×€')
  })

  it('knows every name HTML knows, not only a short list', () => {
    assert.equal(decodeEntities('Ren&eacute; &Uuml;ber &aacute;&ntilde; &alefsym; &thinsp;'), 'René Über áñ ℵ \u2009')
  })

  it('leaves unknown names, wrong case and references without a semicolon as written', () => {
    assert.equal(decodeEntities('&bogus; &constructor; &proto; &LDQUO;x&Rdquo;'), '&bogus; &constructor; &proto; &LDQUO;x&Rdquo;')
    assert.equal(decodeEntities('AT&T &copy 2026 &notit;'), 'AT&T &copy 2026 &notit;')
  })

  it('shows a code point HTML forbids as the replacement character, as a browser does', () => {
    assert.equal(decodeEntities('a&#0;b&#x110000;c'), 'a\ufffdb\ufffdc')
  })

  it('applies to every text field a format renders', () => {
    const content = normalizeArticle({
      headline: '&quot;h&quot;', body: '&#39;p&#39;\n&ldquo;q&rdquo;', byline: '&amp;b', dateline: 'd&nbsp;1', slugline: 's&rsquo;',
    })
    assert.deepEqual([content.headline, content.paragraphs, content.byline, content.dateline, content.slugline],
      ['"h"', ['\'p\'', '“q”'], '&b', 'd\u00a01', 's’'])
  })
})
