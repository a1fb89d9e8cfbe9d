// The contract of a stored paragraph: which tags count as markup, and how an engine's html comes
// back into that form (direction styles stripped, placeholder spans dropped, entities decoded).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  hasInlineMarkup, htmlToStored, inlinePlainText, parseInline, stripDirectionStyles, tokensToHtml, tokensToStored,
} from '../../src/translation/inline-markup.ts'

describe('parseInline', () => {
  it('recognises the allowed inline tags, paired, and keeps only href on links', () => {
    assert.deepEqual(parseInline('قال <b class="x">الوزير</b> إن <a href="https://e.example/a" target="_blank">الخطة</a> <em>جديدة</em>'), [
      { kind: 'text', text: 'قال ' },
      { kind: 'open', tag: 'b' },
      { kind: 'text', text: 'الوزير' },
      { kind: 'close', tag: 'b' },
      { kind: 'text', text: ' إن ' },
      { kind: 'open', tag: 'a', href: 'https://e.example/a' },
      { kind: 'text', text: 'الخطة' },
      { kind: 'close', tag: 'a' },
      { kind: 'text', text: ' ' },
      { kind: 'open', tag: 'em' },
      { kind: 'text', text: 'جديدة' },
      { kind: 'close', tag: 'em' },
    ])
  })

  it('treats everything else that looks like a tag as text', () => {
    for (const text of [
      'x < y and y > z',
      '<span>نص</span>',
      '<b>never closed',
      'closed only</b>',
      '<a href="javascript:alert(1)">click</a>',
      '<a>no href</a>',
      '<script>alert(1)</script>',
    ]) {
      assert.deepEqual(parseInline(text), [{ kind: 'text', text }], text)
      assert.equal(hasInlineMarkup(text), false, text)
    }
  })

  it('reads a paragraph without a "<" as one text token, and an empty one as none', () => {
    for (const text of ['افتتح المعرض أبوابه صباح اليوم.', 'A & B > C &amp; "q"', ' ', 'b>strong/i>']) {
      assert.deepEqual(parseInline(text), [{ kind: 'text', text }], text)
      assert.equal(inlinePlainText(text), text, text)
      assert.equal(hasInlineMarkup(text), false, text)
    }
    assert.deepEqual(parseInline(''), [])
    assert.equal(inlinePlainText(''), '')
  })

  it('keeps properly nested pairs and turns mis-nested leftovers into text', () => {
    const tokens = parseInline('<b><i>a</b></i>')
    assert.equal(tokensToStored(tokens), '<b><i>a</b></i>')
    assert.deepEqual(tokens.filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.tag}`), ['open:b', 'close:b'])
  })

  it('renders html for an engine with text escaped, and plain text without markup', () => {
    const paragraph = 'A & B <b>"bold" < x</b> <a href="https://e.example/?a=1&b=2">link</a>'
    assert.equal(tokensToHtml(parseInline(paragraph)),
      'A &amp; B <b>"bold" &lt; x</b> <a href="https://e.example/?a=1&amp;b=2">link</a>')
    assert.equal(inlinePlainText(paragraph), 'A & B "bold" < x link')
  })
})

describe('htmlToStored', () => {
  const ltr = ' style=";text-align:left;direction:ltr"'

  it('strips the direction styles Google adds when translating right to left into left to right', () => {
    assert.equal(stripDirectionStyles(`<p${ltr}>x <b${ltr}>y</b></p>`), '<p>x <b>y</b></p>')
    assert.equal(stripDirectionStyles('<b style="color:red">y</b>'), '<b style="color:red">y</b>', 'other styles are not Google\'s')
  })

  it('turns engine html back into a stored paragraph', () => {
    const html = `The <b${ltr}>minister</b> said &quot;it&#39;s new&quot; &amp; <a${ltr} href="https://e.example/?a=1&amp;b=2">here</a>`
    assert.equal(htmlToStored(html, true), 'The <b>minister</b> said "it\'s new" & <a href="https://e.example/?a=1&b=2">here</a>')
  })

  it('drops placeholder spans and unknown tags but keeps their text', () => {
    assert.equal(htmlToStored('Leaders of <span translate="no">CSTO</span> met <font>today</font>', true), 'Leaders of CSTO met today')
  })

  it('decodes escaped text, which stays text unless it is an allowed, balanced tag', () => {
    // An unbalanced "<b>" in the source went out escaped and comes back as the same text.
    assert.equal(htmlToStored('x &lt;b&gt; y', true), 'x <b> y')
    assert.equal(hasInlineMarkup('x <b> y'), false)
    const stored = htmlToStored('a &lt;script&gt;x&lt;/script&gt;', true)
    assert.equal(stored, 'a <script>x</script>')
    assert.equal(hasInlineMarkup(stored), false)
  })

  it('drops all markup for segments that carry none, and unbalanced tags always', () => {
    assert.equal(htmlToStored(`<b${ltr}>Headline</b> &amp; more`, false), 'Headline & more')
    assert.equal(htmlToStored('open <b>never closed', true), 'open never closed')
  })
})
