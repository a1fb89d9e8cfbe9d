// Scrape-time gauges on PostgreSQL. Both statements read only rows still in the pipeline, through
// versions_work and the partial deliveries_due index (status = 'pending'), so their cost
// follows the backlog, not history.
import type { Sql } from './pg-tx.ts'
import { GAUGED_VERSION_STATUSES, type PipelineGauges, type Storage } from './types.ts'

export function createPgGauges (db: Sql): Pick<Storage, 'pipelineGauges'> {
  return {
    async pipelineGauges () {
      const versions: PipelineGauges['versions'] = {}
      const oldestVersions: PipelineGauges['oldestVersions'] = {}
      const rows = await db.rows<{ status: (typeof GAUGED_VERSION_STATUSES)[number]; n: number; oldest: string }>(
        'SELECT status, COUNT(*)::int AS n, MIN(created_at) AS oldest FROM versions WHERE status = ANY($1) GROUP BY status',
        [[...GAUGED_VERSION_STATUSES]])
      for (const row of rows) {
        versions[row.status] = row.n
        oldestVersions[row.status] = row.oldest
      }
      const outbox = (await db.rows<{ subscriber_id: string; depth: number; oldest: string }>(
        `SELECT subscriber_id, COUNT(*)::int AS depth, MIN(created_at) AS oldest
         FROM deliveries WHERE status = 'pending' GROUP BY subscriber_id`))
        .map((r) => ({ subscriberId: r.subscriber_id, depth: r.depth, oldestCreatedAt: r.oldest }))
      return { versions, oldestVersions, outbox }
    }
  }
}
