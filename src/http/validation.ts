// Request validation: how schemas are compiled, and how a failure is told to a person.
// Bodies are JSON and keep the types they were sent with: no coercion, so `"urgency": "1"`,
// `"headline": 123` and `"role": ["admin"]` are refused, not turned into 1, "123" and "admin".
// Query strings and path parameters are text by nature; they alone parse numbers from strings,
// and only finite decimals (`after=1e400`, `wait=Infinity`, `0x10` are refused).
import { Ajv, type ErrorObject, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import { DATE_TIME_EXPECTED, isDateTime } from './date-time.ts'
import type { InvalidParam } from './errors.ts'

// ajv-formats is CommonJS with `exports.default`: under Node's ESM loader the default import is
// the module object, the plugin its `default`.
type FormatsPlugin = (ajv: Ajv) => Ajv
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin)

const COMMON: Options = {
  allErrors: true, // one answer names every bad field (bodies are bounded by bodyLimit and maxItems)
  removeAdditional: false, // an unknown field is refused, never silently dropped
  useDefaults: true,
  strictNumbers: true,
  verbose: true, // errors carry their schema: the allowed values and the words for a pattern
  addUsedSchema: false
}

function makeAjv (): Ajv {
  const ajv = new Ajv({ ...COMMON, coerceTypes: false })
  addFormats(ajv)
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime })
  // Annotation only: what a patterned string must look like, in words, for the error message.
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' })
  return ajv
}

// Ajv's own coercion takes "Infinity", "1e400" (→ Infinity, then skipping minimum/maximum),
// "0x10", " " and booleans as numbers; a query value is a number here only when written as a
// finite decimal.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function fromText (value: string, type: unknown): unknown {
  if (type === 'integer' || type === 'number') {
    const n = DECIMAL.test(value) ? Number(value) : Number.NaN
    return Number.isFinite(n) ? n : value // left a string: the schema then says what is expected
  }
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value
  return value
}

/** Turns the text of query and path parameters into the types their schema declares. */
interface TextSchema { type?: unknown; items?: { type?: unknown }; properties?: Record<string, TextSchema> }

function coerceText (schema: TextSchema, data: unknown): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return
  const properties = schema.properties ?? {}
  const fields = data as Record<string, unknown>
  for (const [key, value] of Object.entries(fields)) {
    const property = properties[key]
    if (property === undefined) continue
    if (property.type === 'array') {
      fields[key] = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? fromText(v, property.items?.type) : v))
    } else if (typeof value === 'string') {
      fields[key] = fromText(value, property.type)
    }
  }
}

/** The validator compiler every route uses: bodies strictly typed, query and path text read as declared. */
export function createValidatorCompiler (): FastifySchemaCompiler<FastifySchema> {
  const ajv = makeAjv()
  return ({ schema, httpPart }) => {
    const validate = ajv.compile(schema as object)
    if (httpPart === 'body') return validate
    const fromRequestText = (data: unknown): boolean => {
      coerceText(schema as TextSchema, data)
      const ok = validate(data) as boolean
      fromRequestText.errors = validate.errors
      return ok
    }
    fromRequestText.errors = null as typeof validate.errors
    return fromRequestText
  }
}

type Issue = Pick<ErrorObject, 'instancePath' | 'schemaPath' | 'keyword' | 'params' | 'message'> & {
  parentSchema?: Record<string, unknown> | undefined
}

const FORMAT_WORDS: Record<string, string> = {
  'date-time': DATE_TIME_EXPECTED,
  date: 'a day as YYYY-MM-DD, such as 2026-05-01',
  uuid: 'a UUID such as 0b5e3c2a-6f1d-4a8e-9c3b-2d7f1e0a4b6c',
  uri: 'an absolute URI such as https://example.com/path'
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a finite number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a JSON array',
  null: 'null'
}

const quote = (value: unknown): string => JSON.stringify(value)

function typeWords (type: unknown): string {
  const types = Array.isArray(type) ? type : [type]
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ')
}

/** The allowed values of an anyOf of constants (a TypeBox union of literals), else null. */
function allowedValues (schema: Record<string, unknown> | undefined): unknown[] | null {
  const branches = schema?.anyOf
  if (!Array.isArray(branches) || branches.length === 0) return null
  const values: unknown[] = []
  for (const branch of branches as Array<Record<string, unknown>>) {
    if ('const' in branch) values.push(branch.const)
    else if (Array.isArray(branch.enum)) values.push(...branch.enum)
    else return null
  }
  return values
}

function reasonFor (issue: Issue): string {
  const p = issue.params as Record<string, unknown>
  const schema = issue.parentSchema
  switch (issue.keyword) {
    case 'required': return 'is required'
    case 'additionalProperties': return 'is not a known field'
    case 'type': return `must be ${typeWords(p.type)}`
    case 'const': return `must be ${quote(p.allowedValue)}`
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map(quote).join(', ')}`
    case 'anyOf': {
      const values = allowedValues(schema)
      if (values !== null) return `must be one of ${values.map(quote).join(', ')}`
      const types = ((schema?.anyOf ?? []) as Array<Record<string, unknown>>).map((b) => typeWords(b.type))
      return `must be ${types.join(' or ')}`
    }
    case 'pattern': return typeof schema?.expected === 'string' ? `must be ${schema.expected}` : 'does not have the expected form'
    case 'format': return `must be ${FORMAT_WORDS[String(p.format)] ?? `a valid ${String(p.format)}`}`
    case 'minLength': return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`
    case 'maxLength': return `must be at most ${p.limit} characters long`
    case 'minimum': return `must be ${p.limit} or more`
    case 'maximum': return `must be ${p.limit} or less`
    case 'exclusiveMinimum': return `must be more than ${p.limit}`
    case 'exclusiveMaximum': return `must be less than ${p.limit}`
    case 'minItems': return `must hold at least ${p.limit} item${p.limit === 1 ? '' : 's'}`
    case 'maxItems': return `must hold at most ${p.limit} items`
    case 'uniqueItems': return `must not repeat an item (items ${p.j} and ${p.i} are the same)`
    case 'minProperties': return `must have at least ${p.limit} field${p.limit === 1 ? '' : 's'}`
    case 'maxProperties': return `must have at most ${p.limit} fields`
    default: return issue.message ?? 'is invalid'
  }
}

function pointerFor (context: string, issue: Issue): string {
  const p = issue.params as Record<string, unknown>
  let name = `/${context}${issue.instancePath}`
  if (issue.keyword === 'required') name += `/${String(p.missingProperty)}`
  if (issue.keyword === 'additionalProperties') name += `/${String(p.additionalProperty)}`
  if (issue.keyword === 'dependencies') name += `/${String(p.missingProperty)}`
  return name
}

/** At most this many fields named in one answer: enough for a person, bounded for a hostile body. */
const MAX_PARAMS = 50

/**
 * Ajv's issues as invalid-params: one entry per field and problem. A union of literals is one
 * "must be one of …" (not an error per literal), and the "if" that merely selected a "then" is left out.
 */
export function describeValidation (context: string, issues: Issue[]): InvalidParam[] {
  const unions = issues.filter((i) => i.keyword === 'anyOf').map((i) => ({ path: i.instancePath, schemaPath: i.schemaPath.replace(/\/anyOf$/, '') }))
  const inUnion = (i: Issue): boolean => i.keyword !== 'anyOf' &&
    unions.some((u) => u.path === i.instancePath && i.schemaPath.startsWith(`${u.schemaPath}/anyOf/`))
  const params: InvalidParam[] = []
  const seen = new Set<string>()
  for (const issue of issues) {
    if (issue.keyword === 'if' || inUnion(issue)) continue
    const name = pointerFor(context, issue)
    const reason = issue.keyword === 'dependencies'
      ? `is required when ${String((issue.params as Record<string, unknown>).property)} is given`
      : reasonFor(issue)
    const key = `${name}\u0000${reason}`
    if (seen.has(key)) continue
    seen.add(key)
    params.push({ name, reason })
    if (params.length === MAX_PARAMS) break
  }
  return params
}
