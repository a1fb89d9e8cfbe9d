// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be
// a HELP or TYPE comment, blank, or a sample of a declared family with well-formed labels and a
// numeric value; anything else throws, naming the line.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (\\S+)(?: -?\\d+)?$`)
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] }

export function parsePrometheus (text: string): Sample[] {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const [i, line] of text.split('\n').entries()) {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`
    if (line === '') continue
    const type = new RegExp(`^# TYPE (${NAME}) (\\S+)$`).exec(line)
    if (type !== null) {
      if (!TYPES.has(type[2]!)) throw new Error(`unknown type at ${where}`)
      if (types.has(type[1]!)) throw new Error(`family declared twice at ${where}`)
      types.set(type[1]!, type[2]!)
      continue
    }
    if (new RegExp(`^# HELP ${NAME} .*$`).test(line)) continue
    if (line.startsWith('#')) throw new Error(`malformed comment at ${where}`)
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`malformed sample at ${where}`)
    const name = match[1]!
    const family = [...types.entries()].find(([f, t]) => f === name || (SUFFIXES[t] ?? []).some((s) => `${f}${s}` === name))
    if (family === undefined) throw new Error(`sample of an undeclared family at ${where}`)
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3])
    if (Number.isNaN(value) && match[3] !== 'NaN') throw new Error(`value is not a number at ${where}`)
    const labels: Record<string, string> = {}
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1')
    }
    samples.push({ name, labels, value })
  }
  return samples
}

/** The value of the one sample with this name whose labels include `labels`; undefined when none. */
export function sampleValue (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value
}
