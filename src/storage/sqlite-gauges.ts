// Scrape-time gauges on SQLite. Both statements read only rows still in the pipeline, through
// the status indexes (versions_work, deliveries_due), so their cost follows the backlog, not history.
import type { Db } from './sqlite-tx.ts'
import { GAUGED_VERSION_STATUSES, type PipelineGauges, type Storage } from './types.ts'

const IN_PIPELINE = GAUGED_VERSION_STATUSES.map((s) => `'${s}'`).join(', ')

export function createSqliteGauges (db: Db): Pick<Storage, 'pipelineGauges'> {
  return {
    async pipelineGauges () {
      const versions: PipelineGauges['versions'] = {}
      const oldestVersions: PipelineGauges['oldestVersions'] = {}
      const rows = db.prepare(`SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM versions
        WHERE status IN (${IN_PIPELINE}) GROUP BY status`).all() as
        Array<{ status: (typeof GAUGED_VERSION_STATUSES)[number]; n: number; oldest: string }>
      for (const row of rows) {
        versions[row.status] = row.n
        oldestVersions[row.status] = row.oldest
      }
      const outbox = (db.prepare(`SELECT subscriber_id, COUNT(*) AS depth, MIN(created_at) AS oldest
        FROM deliveries WHERE status = 'pending' GROUP BY subscriber_id`).all() as
        Array<{ subscriber_id: string; depth: number; oldest: string }>)
        .map((r) => ({ subscriberId: r.subscriber_id, depth: r.depth, oldestCreatedAt: r.oldest }))
      return { versions, oldestVersions, outbox }
    }
  }
}
