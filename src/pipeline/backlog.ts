// How far behind the pipeline is, from the scrape-time gauges: what /v1/pipeline answers.
// The rule for "waiting" lives here once: accepted and not yet distributed (received,
// translating, translated). Failed versions wait for a person and are reported apart.
import type { PipelineBacklog } from '../../schemas/pipeline.ts'
import type { GAUGED_VERSION_STATUSES, PipelineGauges } from '../storage/types.ts'

const WAITING = ['received', 'translating', 'translated'] as const

interface Oldest { oldestSince: string | null; oldestSeconds: number }

function oldestOf (times: Array<string | undefined>, now: Date): Oldest {
  const present = times.filter((t): t is string => t !== undefined).sort()
  const since = present[0] ?? null
  return { oldestSince: since, oldestSeconds: since === null ? 0 : Math.max(0, (now.getTime() - Date.parse(since)) / 1000) }
}

export function pipelineBacklog (gauges: PipelineGauges, now: Date): PipelineBacklog {
  const stage = (status: (typeof GAUGED_VERSION_STATUSES)[number]) =>
    ({ count: gauges.versions[status] ?? 0, ...oldestOf([gauges.oldestVersions[status]], now) })
  const waiting = oldestOf(WAITING.map((s) => gauges.oldestVersions[s]), now)
  const outbox = oldestOf(gauges.outbox.map((e) => e.oldestCreatedAt), now)
  return {
    asOf: now.toISOString(),
    waiting: WAITING.reduce((n, s) => n + (gauges.versions[s] ?? 0), 0),
    oldestWaitingSince: waiting.oldestSince,
    oldestWaitingSeconds: waiting.oldestSeconds,
    versions: { received: stage('received'), translating: stage('translating'), translated: stage('translated'), failed: stage('failed') },
    outbox: {
      pending: gauges.outbox.reduce((n, e) => n + e.depth, 0),
      subscribers: gauges.outbox.length,
      oldestSince: outbox.oldestSince,
      oldestSeconds: outbox.oldestSeconds
    }
  }
}
