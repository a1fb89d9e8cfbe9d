// Inline markup in paragraphs becomes elements built by xml.ts; pictures follow the text. Both
// in every format, each in its own vocabulary.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderAtomEntry } from '../../src/formats/atom.ts'
import { inlineNodes, inlineText, XHTML_INLINE } from '../../src/formats/inline.ts'
import { renderNewsmlG2 } from '../../src/formats/newsml-g2.ts'
import { renderNinjs } from '../../src/formats/ninjs.ts'
import { renderNitf } from '../../src/formats/nitf.ts'
import { el, serialize } from '../../src/formats/xml.ts'
import { storyFixture } from '../fixtures/articles/stories.ts'
import { fixtureProvider as provider } from './golden-cases.ts'

const p = (text: string) => serialize(el('p', {}, inlineNodes(text, XHTML_INLINE)))

describe('inline markup', () => {
  it('turns the allowed tags into elements and escapes every text token', () => {
    assert.equal(p('a <b>bold & <i>both</i></b> <em>x</em> <strong>s</strong>'), '<p>a <b>bold &amp; <i>both</i></b> <em>x</em> <strong>s</strong></p>')
    assert.equal(p('see <a href="https://x.example/?a=1&b=2">this</a>'), '<p>see <a href="https://x.example/?a=1&amp;b=2">this</a></p>')
  })

  it('keeps anything else visible as text', () => {
    assert.equal(p('<a href="javascript:alert(1)">x</a>'), '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>')
    assert.equal(p('<b>never closed'), '<p>&lt;b&gt;never closed</p>')
    assert.equal(p('<span>x</span> 3 < 4'), '<p>&lt;span&gt;x&lt;/span&gt; 3 &lt; 4</p>')
    assert.equal(p('<b><i>crossed</b></i>'), '<p><b>&lt;i&gt;crossed</b>&lt;/i&gt;</p>')
  })

  it('never adds whitespace between inline elements when pretty-printing', () => {
    const doc = serialize(el('body', {}, el('p', {}, inlineNodes('<b>x</b><i><em>y</em></i>', XHTML_INLINE))), { pretty: true })
    assert.ok(doc.includes('<p><b>x</b><i><em>y</em></i></p>'), doc)
  })

  it('gives the text a reader sees, for counts', () => {
    assert.equal(inlineText('a <b>b</b> <a href="https://x.example/">c</a> <span>d</span>'), 'a b c <span>d</span>')
    assert.equal(inlineText('plain'), 'plain')
  })
})

describe('inline markup and pictures in every format', () => {
  const v1 = storyFixture('jerash-olives-v1')
  const en = v1.translations.find((t) => t.lang === 'en')!
  const fr = v1.translations.find((t) => t.lang === 'fr')!
  const input = (translation = en) => ({ version: v1.version, translation, provider })

  it('NewsML-G2 and Atom: XHTML elements and figures, the caption in the item language when translated', () => {
    for (const body of [renderNewsmlG2(input()).body, renderAtomEntry(input()).body]) {
      assert.match(body, /<p><b>Samer Al-Khatib<\/b>, head of/)
      assert.match(body, /<a href="https:\/\/news.example.org\/olives\?page=2&amp;lang=ar">transport and labour costs<\/a>/)
      assert.match(body, /<figure>\s*<img src="https:\/\/images.example.org\/jerash\/olive-press.jpg" alt="An olive press in the town of Sakib"\/>\s*<figcaption>An olive press in the town of Sakib<\/figcaption>\s*<\/figure>\s*<figure>\s*<img src="https:\/\/images.example.org\/jerash\/grove.jpg" alt=""\/>\s*<\/figure>/)
    }
    assert.match(renderAtomEntry(input()).body, /<link rel="enclosure" href="https:\/\/images.example.org\/jerash\/grove.jpg"\/>/)
    assert.match(renderNewsmlG2(input(fr)).body, /<figcaption lang="ar" xml:lang="ar" dir="rtl">معصرة زيتون/)
  })

  it('NITF: emphasis as <em class>, links as <a>, pictures as <media>', () => {
    const body = renderNitf(input()).body
    assert.match(body, /<p><em class="bold">Samer Al-Khatib<\/em>, head of/)
    assert.match(body, /<a href="https:\/\/news.example.org\/olives\?page=2&amp;lang=ar">transport/)
    assert.match(body, /<media media-type="image">\s*<media-reference source="https:\/\/images.example.org\/jerash\/olive-press.jpg" alternate-text="An olive press in the town of Sakib"\/>\s*<media-caption>An olive press/)
  })

  it('ninjs: the body keeps the markup, counts leave it out, pictures are associations', () => {
    const doc = JSON.parse(renderNinjs(input()).body)
    assert.match(doc.bodies[0].value, /<p><b>Samer Al-Khatib<\/b>/)
    const plain = JSON.parse(renderNinjs({ ...input(), version: { ...v1.version }, translation: { ...en, paragraphs: en.paragraphs.map(inlineText) } }).body)
    assert.equal(doc.bodies[0].wordCount, plain.bodies[0].wordCount)
    assert.equal(doc.bodies[0].charCount, plain.bodies[0].charCount)
    assert.deepEqual(doc.associations.slice(1).map((a: { name: string; type: string }) => [a.name, a.type]), [['picture1', 'picture'], ['picture2', 'picture']])
    assert.deepEqual(doc.associations[1].descriptions, [{ role: 'caption', value: 'An olive press in the town of Sakib' }])
  })

  it('leaves out pictures whose address is not a plain absolute URI', () => {
    const content = { ...v1.version.content, images: [{ href: 'https://ok.example/a.jpg' }, { href: 'not a url' }, { href: 'https://x.example/"><b>' }] }
    const doc = JSON.parse(renderNinjs({ version: { ...v1.version, content }, translation: null, provider }).body)
    assert.deepEqual(doc.associations.map((a: { uri: string }) => a.uri), ['https://ok.example/a.jpg'])
  })
})
