// A load generator for the benches, run as its own process (fork) so its work is billed to
// neither side of a comparison: plain undici, keep-alive, a fixed number of connections each with
// one request in flight. The parent sends one job over IPC and gets the figures back.
// A body may hold `{{n}}`, replaced by the request's number (distinct guids for ingest).
import { Agent, request } from 'undici'

export interface LoadJob {
  url: string
  body: string
  headers: Record<string, string>
  connections: number
  warmUp: number
  requests: number
  /** Numbers `{{n}}` from here on, so rounds against one database never repeat a guid. */
  firstNumber: number
}

export interface LoadResult {
  perSecond: number
  /** Milliseconds: median, 99th percentile and slowest request of the measured part. */
  p50: number
  p99: number
  max: number
  /** How many answers of each status code, and how many requests failed without one. */
  statuses: Record<string, number>
}

async function run (job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ connections: job.connections, keepAliveTimeout: 10_000 })
  const [head, tail] = job.body.includes('{{n}}') ? job.body.split('{{n}}') as [string, string] : [job.body, undefined]
  let number = job.firstNumber
  const statuses: Record<string, number> = {}
  const latencies: number[] = []
  const phase = async (count: number, record: boolean): Promise<void> => {
    let left = count
    const worker = async (): Promise<void> => {
      while (left > 0) {
        left--
        const body = tail === undefined ? head : `${head}${number++}${tail}`
        const started = performance.now()
        try {
          const res = await request(job.url, { dispatcher: agent, method: 'POST', body, headers: job.headers })
          await res.body.dump()
          if (record) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
        } catch (err) {
          if (record) statuses[(err as { code?: string }).code ?? 'error'] = (statuses[(err as { code?: string }).code ?? 'error'] ?? 0) + 1
        }
        if (record) latencies.push(performance.now() - started)
      }
    }
    await Promise.all(Array.from({ length: job.connections }, worker))
  }
  try {
    await phase(job.warmUp, false)
    const started = performance.now()
    await phase(job.requests, true)
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0
    return { perSecond: job.requests / seconds, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, statuses }
  } finally {
    await agent.close()
  }
}

process.on('message', (job: LoadJob) => {
  run(job).then((result) => {
    process.send?.(result)
    process.disconnect?.()
  }, (err: unknown) => {
    console.error(err)
    process.exitCode = 1
    process.disconnect?.()
  })
})
