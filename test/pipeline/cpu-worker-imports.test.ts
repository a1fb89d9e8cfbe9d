// Every CPU worker thread is an isolate that loads its modules again (docs/PERFORMANCE.md "Memory"): typebox
// alone, 700-odd modules, adds ~19 MB to each worker, and the worker builds no schemas. This
// follows the worker entry's runtime imports (`import type` is erased and not followed) through
// the project's sources and fails if a package the worker has no use for is reached.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { it } from 'node:test'
import { repoRoot } from '../helpers/conformance.ts'

const ENTRY = path.join(repoRoot, 'src', 'pipeline', 'cpu-worker-thread.ts')
// `import … from '…'` and `export … from '…'`, across lines; not `import type`/`export type`;
// and `import('…')` (the worker loads its job modules with the first job).
const RUNTIME_IMPORT = /^(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?'([^']+)'|(?<!typeof )\bimport\('([^']+)'\)/gm

/** The packages (and node: modules) reached from `entry`, and the project files on the way. */
async function runtimeGraph (entry: string): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = async (file: string): Promise<void> => {
    if (files.has(file)) return
    files.add(file)
    const source = await readFile(file, 'utf8')
    for (const [, fixed, dynamic] of source.matchAll(RUNTIME_IMPORT)) {
      const spec = fixed ?? dynamic
      if (spec!.startsWith('.')) await visit(path.resolve(path.dirname(file), spec!))
      else packages.add(spec!)
    }
  }
  await visit(entry)
  return { files, packages }
}

it('the CPU worker thread loads neither typebox nor the HTTP, storage or Google stack', async () => {
  const { files, packages } = await runtimeGraph(ENTRY)
  // The walk itself works: the worker renders, so the format modules are reached.
  assert.ok([...files].some((file) => file.endsWith(path.join('formats', 'newsml-g2.ts'))))
  assert.ok(packages.has('node:worker_threads'))
  const unwanted = [...packages].filter((name) => /^(typebox|fastify|@fastify\/|@google-cloud\/|google-auth-library|pg|undici|prom-client|ajv)/.test(name))
  assert.deepEqual(unwanted, [], `reached from ${path.relative(repoRoot, ENTRY)}`)
})
