// `npm run build`: the service as plain JavaScript in dist/ (dist/src/server.js), which is what
// the Dockerfile runs. Run from its .ts sources, every process and every worker thread loads
// Node's TypeScript stripper (docs/PERFORMANCE.md "Memory": ~20 MB in the service, ~12 MB more per worker);
// the build does not. Types are checked by `npm run typecheck` (part of `npm test`), so the
// compiler only emits here (--noCheck): erasable TypeScript makes that a plain strip, with the
// `.ts` of relative imports rewritten to `.js`.
import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { emitPlainSchemas } from './plain-schemas.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Builds into `outDir` (inside the repository, so node_modules resolves); returns the entry. */
export async function buildService (outDir = path.join(root, 'dist')): Promise<string> {
  await rm(outDir, { recursive: true, force: true })
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck', '--outDir', outDir], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`tsc failed (${run.status}):\n${run.stdout}${run.stderr}`)
  // The nearest package.json makes the .js files ES modules, and is where /openapi.json reads
  // the service's version (src/http/openapi.ts: two directories up from its own file).
  await mkdir(outDir, { recursive: true })
  await copyFile(path.join(root, 'package.json'), path.join(outDir, 'package.json'))
  await emitPlainSchemas(outDir)
  return path.join(outDir, 'src', 'server.js')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = await buildService()
  console.log(`built ${path.relative(root, entry)}`)
}
