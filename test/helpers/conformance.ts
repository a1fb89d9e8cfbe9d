// Runs the shared IPTC conformance kit (../shared/conformance/validate next to the repository)
// from any test. The kit lives outside the repository, so a checkout without it can still run
// the unit tests: callers skip only the conformance step, and only when the script is missing.
// When the script is there, its verdict is binding, including set-up failures (exit 2). Atom,
// which no IPTC schema covers, is checked for well-formedness with xmllint directly.
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** The repository root: this file is <root>/test/helpers/conformance.ts. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..')

export interface ValidationResult {
  ok: boolean
  /** The validator's stdout and stderr, for assertion messages. */
  output: string
}

/** Path of the validate script, or null when the kit is not next to this checkout. */
export function conformanceValidator (): string | null {
  const script = path.resolve(repoRoot, '..', 'shared', 'conformance', 'validate')
  try {
    accessSync(script, constants.R_OK)
    return script
  } catch {
    return null
  }
}

/** Validates files (or directories) with the kit; ok only when it exits 0. */
export function validateDocuments (files: string[]): Promise<ValidationResult> {
  const script = conformanceValidator()
  if (script === null) return Promise.reject(new Error('The IPTC conformance kit (../shared/conformance/validate) is not installed'))
  if (files.length === 0) return Promise.reject(new Error('validateDocuments needs at least one file'))
  return new Promise((resolve) => {
    // bash explicitly: the script may lack its executable bit in a read-only checkout.
    execFile('bash', [script, '--max-errors', '10', '--', ...files], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` })
    })
  })
}

/**
 * Writes documents (file name → content) into a fresh temporary directory, hands their paths to
 * `check` and removes the directory again, whatever the outcome.
 */
export async function withDocumentFiles<T> (documents: Record<string, string>, check: (files: string[]) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-conformance-'))
  try {
    const files: string[] = []
    for (const [name, content] of Object.entries(documents)) {
      const file = path.join(dir, path.basename(name))
      await writeFile(file, content, 'utf8')
      files.push(file)
    }
    return await check(files)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Validates documents (file name → content) with the kit, from a temporary directory. */
export function validateContents (documents: Record<string, string>): Promise<ValidationResult> {
  return withDocumentFiles(documents, validateDocuments)
}

/** Whether xmllint is on PATH (the kit needs it for XML; Atom checks use it directly). */
export function xmllintAvailable (): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('xmllint', ['--version'], (error) => resolve(error === null))
  })
}

/**
 * Checks that files are well-formed XML with xmllint, never loading anything from the network
 * (--nonet) and without substituting entities: for documents no IPTC schema covers (Atom).
 */
export function checkWellFormed (files: string[]): Promise<ValidationResult> {
  if (files.length === 0) return Promise.reject(new Error('checkWellFormed needs at least one file'))
  return new Promise((resolve) => {
    execFile('xmllint', ['--noout', '--nonet', ...files], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` })
    })
  })
}

/** Well-formedness of documents (file name → content), from a temporary directory. */
export function checkWellFormedContents (documents: Record<string, string>): Promise<ValidationResult> {
  return withDocumentFiles(documents, checkWellFormed)
}
