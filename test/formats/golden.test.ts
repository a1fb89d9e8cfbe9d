// Golden files: every fixture story (original, update, correction, kill) rendered in every
// format, format version and language must match the committed document byte for byte
// (UPDATE=1 rewrites them and removes stale ones). The committed documents must pass the IPTC
// conformance kit (Atom, which the kit does not cover, must be well-formed with the elements
// RFC 4287 requires). Golden files make every change to a wire format visible in review.
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { checkWellFormed, conformanceValidator, validateDocuments, xmllintAvailable } from '../helpers/conformance.ts'
import { goldenCases, goldenRoot } from './golden-cases.ts'

const update = process.env['UPDATE'] === '1'
const cases = goldenCases()

async function filesUnder (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => path.relative(goldenRoot, path.join(e.parentPath, e.name))).sort()
}

describe('golden files', () => {
  for (const golden of cases) {
    it(`${golden.file} matches${update ? ' (rewritten: UPDATE=1)' : ''}`, async () => {
      const goldenPath = path.join(goldenRoot, golden.file)
      if (update) {
        await mkdir(path.dirname(goldenPath), { recursive: true })
        await writeFile(goldenPath, golden.render(), 'utf8')
        return
      }
      const expected = await readFile(goldenPath, 'utf8').catch(() => {
        throw new Error(`Missing golden file ${goldenPath}; run the tests with UPDATE=1 to create it`)
      })
      assert.equal(golden.render(), expected, `${golden.file} differs from the golden file; run with UPDATE=1 if the change is intended`)
    })
  }

  it('has no golden file that no case renders', async () => {
    const expected = new Set(cases.map((c) => c.file))
    const stale = (await filesUnder(goldenRoot)).filter((file) => !expected.has(file))
    if (update) {
      for (const file of stale) await rm(path.join(goldenRoot, file))
      return
    }
    assert.deepEqual(stale, [], 'stale golden files; run with UPDATE=1 to remove them')
  })

  it('covers every format, format version and language of every fixture', () => {
    const keys = new Set(cases.map((c) => `${c.format}@${c.formatVersion}`))
    assert.deepEqual([...keys].sort(), ['atom@1.0', 'newsml-g2-message@2.35', 'newsml-g2@2.35', 'ninjs@2.2', 'ninjs@3.1', 'nitf@3.6'])
    assert.equal(cases.length, 6 * (3 + 2 + 2 + 2))
    for (const event of ['new', 'update', 'correction', 'kill']) {
      assert.ok(cases.some((c) => c.story.version.event === event), event)
    }
  })

  it('pass the IPTC conformance kit (all but Atom)', async (t) => {
    if (conformanceValidator() === null) {
      t.skip('IPTC conformance kit not found at ../shared/conformance/validate')
      return
    }
    const files = cases.filter((c) => c.format !== 'atom').map((c) => path.join(goldenRoot, c.file))
    const result = await validateDocuments(files)
    assert.ok(result.ok, result.output)
    assert.match(result.output, new RegExp(`\\b${files.length} passed, 0 failed`))
  })

  it('Atom entries are well-formed and carry id, title, updated and author', async (t) => {
    if (!(await xmllintAvailable())) {
      t.skip('xmllint is not installed')
      return
    }
    const atom = cases.filter((c) => c.format === 'atom')
    const result = await checkWellFormed(atom.map((c) => path.join(goldenRoot, c.file)))
    assert.ok(result.ok, result.output)
    for (const c of atom) {
      const body = await readFile(path.join(goldenRoot, c.file), 'utf8')
      assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<entry xmlns="http:\/\/www.w3.org\/2005\/Atom"/, c.file)
      for (const element of ['id', 'title', 'updated', 'author']) {
        assert.equal(body.match(new RegExp(`\\n  <${element}[ >]`, 'g'))?.length, 1, `${c.file}: one <${element}>`)
      }
      assert.match(body, /<author>\s*<name>[^<]+<\/name>/, c.file)
    }
  })
})
