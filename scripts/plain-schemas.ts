// Part of `npm run build`: the built schemas/ modules become plain JSON Schema. schemas/*.ts stay
// the one source (TypeBox, for the types the routes and the domain take from them); the build
// runs each module once and writes what it exported as literal values, so the built service never
// loads TypeBox at run time (~7 MB resident: its code and the schemas' construction, README
// "Memory"). The schema builders of schemas/common.ts (functions) are left out: only schemas/
// calls them, and a built module that still needed one would fail to link at start.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

/** A static or dynamic import of typebox in compiled JavaScript (`import type` is gone by then). */
const LOADS_TYPEBOX = /\bfrom\s*['"]typebox(\/[^'"]*)?['"]|\bimport\s*\(\s*['"]typebox/

/** `export { … } from './x.js';` as tsc writes a re-export. */
const RE_EXPORT = /^export \{([^}]*)\} from ['"](\.\/[^'"]+)['"];$/gm

export async function emitPlainSchemas (outDir: string): Promise<void> {
  const dir = path.join(outDir, 'schemas')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js'))
  const sources = new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as const)))
  const typeboxFree = new Set(files.filter((f) => !LOADS_TYPEBOX.test(sources.get(f)!)))
  // Every module is evaluated before any is rewritten (they import one another).
  const modules = new Map<string, Record<string, unknown>>()
  for (const f of files) modules.set(f, await import(pathToFileURL(path.join(dir, f)).href) as Record<string, unknown>)
  for (const f of files) {
    if (typeboxFree.has(f)) continue
    // Re-exports of typebox-free modules (values.ts: regular expressions) stay re-exports.
    const kept: string[] = []
    const reExported = new Set<string>()
    for (const [line, names, from] of sources.get(f)!.matchAll(RE_EXPORT)) {
      if (!typeboxFree.has(path.basename(from!))) continue
      kept.push(line)
      for (const name of names!.split(',')) reExported.add(name.trim().split(/\s+as\s+/).at(-1)!)
    }
    const values: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(modules.get(f)!)) {
      if (reExported.has(name) || typeof value === 'function') continue
      const plain: unknown = JSON.parse(JSON.stringify(value))
      if (!isDeepStrictEqual(plain, value)) throw new Error(`schemas/${f}: export ${name} is not plain JSON; it cannot be emitted`)
      values[name] = plain
    }
    const names = Object.keys(values)
    await writeFile(path.join(dir, f), [
      `// Emitted by scripts/plain-schemas.ts from schemas/${f.replace(/\.js$/, '.ts')} (TypeBox): plain JSON Schema.`,
      ...kept,
      `const values = JSON.parse(${JSON.stringify(JSON.stringify(values))});`,
      names.length === 0 ? '' : `export const { ${names.join(', ')} } = values;`,
      ''
    ].join('\n'))
  }
  for (const file of await readdir(outDir, { recursive: true })) {
    if (!file.endsWith('.js')) continue
    if (LOADS_TYPEBOX.test(await readFile(path.join(outDir, file), 'utf8'))) {
      throw new Error(`${file} loads typebox at run time: its schemas belong in schemas/, which the build emits as JSON`)
    }
  }
}
