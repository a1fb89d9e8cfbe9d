// What every hostile request is checked against: no 5xx, an answer within the deadline,
// problem+json for every error (content type, type URI, title, status, the field named for
// invalid input), and nothing stored when the request was refused (row counts before and after,
// read through a second SQLite connection on the same file).
import assert from 'node:assert/strict'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { PROBLEM_KINDS } from '../../src/http/problem-types.ts'
import { auth, buildTestApp } from '../helpers/app.ts'

/** Longest a request may take before it counts as a hang (the service has no slower route). */
export const DEADLINE_MS = 10_000

const TABLES = ['articles', 'versions', 'translations', 'subscribers', 'subscriber_events', 'api_keys', 'glossary_entries', 'deliveries', 'documents']

export interface RowCounter {
  counts(): Record<string, number>
  close(): void
}

export function rowCounter (dir: string): RowCounter {
  const db = new DatabaseSync(path.join(dir, 'nashra.db'), { readOnly: true })
  const statements = TABLES.map((table) => [table, db.prepare(`SELECT COUNT(*) AS n FROM ${table}`)] as const)
  return {
    counts: () => Object.fromEntries(statements.map(([table, s]) => [table, Number((s.get() as { n: number }).n)])),
    close: () => db.close()
  }
}

/** Checks an error answer is a problem Nashra documents, and returns it. */
export function assertProblem (res: LightMyRequestResponse, what: string): Record<string, any> {
  assert.match(String(res.headers['content-type']), /^application\/problem\+json; charset=utf-8$/, `${what}: content type`)
  const problem = res.json()
  assert.equal(problem.status, res.statusCode, `${what}: status member`)
  assert.equal(typeof problem.title, 'string', `${what}: title`)
  assert.match(problem.type, /^urn:nashra:problem:[a-z-]+$/, `${what}: type`)
  assert.ok(Object.hasOwn(PROBLEM_KINDS, problem.code), `${what}: code ${problem.code} is a documented kind`)
  assert.doesNotMatch(res.body, /FST_|fst_err|ajv|must be equal to constant|AJV/, `${what}: framework internals in ${res.body}`)
  if (problem.code === 'NASHRA_INVALID_REQUEST') {
    assert.ok(Array.isArray(problem['invalid-params']) && problem['invalid-params'].length > 0, `${what}: names the field`)
    for (const param of problem['invalid-params']) {
      assert.match(param.name, /^\/(body|querystring|params)(\/|$)/, `${what}: field pointer ${param.name}`)
      assert.ok(param.reason.length > 0)
    }
  }
  return problem
}

export interface Checked {
  res: LightMyRequestResponse
  accepted: boolean
}

/** Sends one request, checks the universal rules, and returns the answer. */
export async function hostileRequest (app: FastifyInstance, counter: RowCounter, request: InjectOptions, what: string): Promise<Checked> {
  const before = counter.counts()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS)
  })
  let res: LightMyRequestResponse
  try {
    res = await Promise.race([app.inject(request), deadline])
  } finally {
    clearTimeout(timer)
  }
  assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 500)}`)
  if (res.statusCode >= 400) {
    assertProblem(res, what)
    assert.deepEqual(counter.counts(), before, `${what}: a refused request stored something`)
  }
  return { res, accepted: res.statusCode < 400 }
}

export interface HostileApp {
  app: FastifyInstance
  counter: RowCounter
  editorKey: string
  /** A pull subscriber and a key bound to it (its feed). */
  subscriberId: string
  feedKey: string
  close(): Promise<void>
}

/** The API with the pipeline stopped (only requests change the database), and keys of each role. */
export async function startHostileApp (env: Record<string, string> = {}): Promise<HostileApp> {
  const t = await buildTestApp({ startWorkers: false, env })
  const post = async (url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: auth(), payload })
    assert.equal(res.statusCode, 201, res.body)
    return res.json()
  }
  const editorKey = (await post('/v1/keys', { role: 'editor', label: 'CMS' })).key as string
  const subscriberId = (await post('/v1/subscribers', { name: 'Feed', mode: 'pull', languages: ['en'] })).id as string
  const feedKey = (await post('/v1/keys', { role: 'subscriber', label: 'feed', subscriberId })).key as string
  const counter = rowCounter(t.dir)
  return {
    app: t.app,
    counter,
    editorKey,
    subscriberId,
    feedKey,
    async close () {
      counter.close()
      await t.close()
    }
  }
}
