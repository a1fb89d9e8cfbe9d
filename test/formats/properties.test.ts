// Property-based tests (fast-check) over random stories full of Arabic, emoji, bidi controls,
// control characters, lone surrogates, markup and entity text: every format renders, renders the
// same bytes twice, passes the in-process checks, and - on a sample, because the IPTC kit starts
// xmllint per file - validates against IPTC's schemas (Atom: is well-formed).
// PROPERTY_RUNS and PROPERTY_KIT_RUNS raise the number of cases; PROPERTY_SEED replays a run.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { formatNames, formatVersions, getFormat } from '../../src/formats/registry.ts'
import { escapeAttr, escapeText, stripInvalidXmlChars } from '../../src/formats/xml.ts'
import { checkWellFormedContents, conformanceValidator, validateContents, xmllintAvailable } from '../helpers/conformance.ts'
import { hostileText, type StorySample, storyInput } from './arbitraries.ts'
import { assertCleanDocument } from './document-checks.ts'

const runs = Number(process.env['PROPERTY_RUNS'] ?? 150)
const kitRuns = Number(process.env['PROPERTY_KIT_RUNS'] ?? 4)
const seedFromEnv = process.env['PROPERTY_SEED']
const seed = seedFromEnv === undefined ? Date.now() % 2 ** 31 : Number(seedFromEnv)

/** Every format, version and language of one random story, by file name. */
function renderAll (sample: StorySample, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const format of formatNames()) {
    for (const formatVersion of formatVersions(format)) {
      const render = getFormat(format, formatVersion)!
      const ext = format === 'ninjs' ? 'json' : 'xml'
      for (const translation of [null, sample.translation]) {
        const input = { ...sample, translation, translations: [sample.translation] }
        out[`${prefix}.${format}-${formatVersion}.${translation?.lang ?? 'ar'}.${ext}`] = render(input).body
      }
    }
  }
  return out
}

// Reverses escapeText/escapeAttr: the references they write, and nothing else.
function unescapeXml (value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#x9|#xA|#xD);/g, (_, ref: string) =>
    ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x9': '\t', '#xA': '\n', '#xD': '\r' })[ref] ?? '')
}

describe('properties (fast-check)', () => {
  it('xml.ts escapes exactly once and loses nothing but forbidden characters', () => {
    fc.assert(fc.property(hostileText(200), (text) => {
      const kept = stripInvalidXmlChars(text)
      for (const escaped of [escapeText(text), escapeAttr(text)]) {
        assert.equal(unescapeXml(escaped), kept)
        assert.doesNotMatch(escaped, /<|&(?!(amp|lt|gt|quot|#x9|#xA|#xD);)/)
      }
      assert.doesNotMatch(escapeAttr(text), /["\t\n\r]/)
    }), { numRuns: runs * 3, seed })
  })

  it('every format renders any story deterministically into a clean document', () => {
    fc.assert(fc.property(storyInput, (sample) => {
      const first = renderAll(sample, 'p')
      assert.deepEqual(renderAll(structuredClone(sample), 'p'), first)
      for (const [name, body] of Object.entries(first)) assertCleanDocument(name, body)
    }), { numRuns: runs, seed })
  })

  it(`random stories validate against IPTC's schemas (seed ${seed})`, async (t) => {
    if (conformanceValidator() === null || !(await xmllintAvailable())) {
      t.skip('IPTC conformance kit or xmllint not available')
      return
    }
    const samples = fc.sample(storyInput, { numRuns: kitRuns, seed })
    const documents: Record<string, string> = {}
    for (const [i, sample] of samples.entries()) Object.assign(documents, renderAll(sample, `s${i}`))
    const iptc = Object.fromEntries(Object.entries(documents).filter(([name]) => !name.includes('.atom-')))
    const atom = Object.fromEntries(Object.entries(documents).filter(([name]) => name.includes('.atom-')))
    const [schemas, wellFormed] = await Promise.all([validateContents(iptc), checkWellFormedContents(atom)])
    const failing = [...schemas.output.matchAll(/^FAIL \S*\/s(\d+)\./gm)].map((m) => Number(m[1]))
    const inputs = [...new Set(failing)].map((i) => JSON.stringify(samples[i])).join('\n')
    assert.ok(schemas.ok, `${schemas.output}\nreplay with PROPERTY_SEED=${seed}; failing inputs:\n${inputs}`)
    assert.match(schemas.output, new RegExp(`\\b${Object.keys(iptc).length} passed, 0 failed`))
    assert.ok(wellFormed.ok, `${wellFormed.output}\nreplay with PROPERTY_SEED=${seed}`)
  })
})
