// Worker threads are started from a file, and the compiler rewrites the extensions of imports but
// not of file URLs: a worker's entry is named with the extension of the module that starts it, so
// the sources (`npm start`, .ts run directly) start .ts workers and the build (`npm run build`,
// plain JavaScript, what the Dockerfile runs) starts .js ones — never loading Node's TypeScript
// stripper into a worker of the built service.
import path from 'node:path'

/** The module `name` (no extension) next to the module at `from` (its import.meta.url). */
export function siblingModule (name: string, from: string): URL {
  return new URL(`./${name}${path.extname(new URL(from).pathname)}`, from)
}
