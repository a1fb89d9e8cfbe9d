// Google's per-request limits: packing segments into requests, and cutting a segment longer than
// a whole request at sentence ends so it comes back whole.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Atom, codepointLength, joinPieces, packRequests, renderAtoms, splitAtoms } from '../../src/translation/batching.ts'

const sentence = (i: number): string => `الجملة رقم ${i} في هذا النص الطويل.`

describe('codepointLength', () => {
  it('counts codepoints, not UTF-16 units', () => {
    assert.equal(codepointLength('😀 خبر'), 5)
    assert.equal('😀 خبر'.length, 6)
  })
})

describe('packRequests', () => {
  it('starts a new request at 1024 entries', () => {
    const items = Array.from({ length: 2050 }, (_, i) => ({ text: `${i}` }))
    assert.deepEqual(packRequests(items, { maxEntries: 1024, maxCodepoints: 30_000 }).map((r) => r.length), [1024, 1024, 2])
  })

  it('starts a new request before 30,000 codepoints, counting codepoints', () => {
    const items = [{ text: '😀'.repeat(20_000) }, { text: 'x'.repeat(10_000) }, { text: 'y'.repeat(10_001) }]
    const requests = packRequests(items, { maxEntries: 1024, maxCodepoints: 30_000 })
    assert.deepEqual(requests.map((r) => r.length), [2, 1])
  })

  it('keeps order and loses nothing', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ text: sentence(i) }))
    const requests = packRequests(items, { maxEntries: 64, maxCodepoints: 1000 })
    assert.deepEqual(requests.flat(), items)
    for (const r of requests) assert.ok(r.reduce((n, i) => n + codepointLength(i.text), 0) <= 1000)
  })
})

describe('splitAtoms', () => {
  it('cuts plain text at sentence ends and joins it back with the same whitespace', () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ')
    const { pieces, seams } = splitAtoms([{ kind: 'text', text }], false, 200)
    assert.ok(pieces.length > 1)
    for (const piece of pieces) {
      assert.ok(codepointLength(piece) <= 200)
      assert.match(piece, /^الجملة .*\.$/u, 'each piece is whole sentences')
    }
    assert.equal(joinPieces(pieces, seams), text)
  })

  it('falls back to spaces, then to codepoints, when a sentence or a word alone is too long', () => {
    const words = Array.from({ length: 100 }, () => 'كلمة').join(' ')
    const byWords = splitAtoms([{ kind: 'text', text: words }], false, 50)
    assert.ok(byWords.pieces.every((p) => codepointLength(p) <= 50 && !p.startsWith(' ') && !p.endsWith(' ')))
    assert.equal(joinPieces(byWords.pieces, byWords.seams), words)

    const word = '😀'.repeat(120)
    const byCodepoints = splitAtoms([{ kind: 'text', text: word }], false, 50)
    assert.deepEqual(byCodepoints.pieces.map(codepointLength), [50, 50, 20])
    assert.equal(joinPieces(byCodepoints.pieces, byCodepoints.seams), word)
  })

  it('closes inline tags at a cut, reopens them after it, and removes both on joining', () => {
    const atoms: Atom[] = [
      { kind: 'text', text: `${sentence(1)} ` },
      { kind: 'open', tag: 'a', href: 'https://e.example/?a=1&b=2' },
      { kind: 'open', tag: 'b' },
      { kind: 'text', text: Array.from({ length: 12 }, (_, i) => sentence(i + 2)).join(' ') },
      { kind: 'close', tag: 'b' },
      { kind: 'close', tag: 'a' },
      { kind: 'text', text: ' & النهاية.' },
    ]
    const whole = renderAtoms(atoms, true)
    const { pieces, seams } = splitAtoms(atoms, true, 160)
    assert.ok(pieces.length > 2)
    for (const piece of pieces) {
      assert.ok(codepointLength(piece) <= 160, piece)
      const opened = (piece.match(/<(a|b)\b/g) ?? []).length
      const closed = (piece.match(/<\/(a|b)>/g) ?? []).length
      assert.equal(opened, closed, `balanced: ${piece}`)
    }
    assert.ok(pieces[1]!.startsWith('<a href="https://e.example/?a=1&amp;b=2"><b>'))
    assert.equal(joinPieces(pieces, seams), whole)
  })

  it('joins even when the engine added attributes to reopened tags', () => {
    const atoms: Atom[] = [{ kind: 'open', tag: 'b' }, { kind: 'text', text: `${sentence(1)} ${sentence(2)}` }, { kind: 'close', tag: 'b' }]
    const { pieces, seams } = splitAtoms(atoms, true, 40)
    assert.equal(pieces.length, 2)
    const translated = pieces.map((p) => p.replaceAll('<b>', '<b style=";direction:ltr">'))
    assert.equal(joinPieces(translated, seams), `<b style=";direction:ltr">${sentence(1)} ${sentence(2)}</b>`)
  })

  it('never cuts inside an entity or a placeholder', () => {
    const atoms: Atom[] = [{ kind: 'text', text: '&'.repeat(30) }, { kind: 'raw', html: '<span translate="no">CSTO</span>' }]
    const { pieces, seams } = splitAtoms(atoms, true, 42)
    for (const piece of pieces) {
      assert.doesNotMatch(piece.replaceAll('&amp;', ''), /&/, piece)
      assert.ok(codepointLength(piece) <= 42)
    }
    assert.equal(joinPieces(pieces, seams), renderAtoms(atoms, true))
  })
})
