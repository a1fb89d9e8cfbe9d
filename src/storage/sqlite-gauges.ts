// Scrape-time gauges on SQLite. Both statements read only rows still in the pipeline, through
// the status indexes (versions_by_status, deliveries_due), so their cost follows the backlog, not history.
import { type OutboxGaugeRow, toOutboxGauge, toVersionGauges, type VersionGaugeRow } from './rows.ts'
import type { Db } from './sqlite-tx.ts'
import { GAUGED_VERSION_STATUSES, type Storage } from './types.ts'

const GAUGED = GAUGED_VERSION_STATUSES.map((s) => `'${s}'`).join(', ')
/** Versions per gauged status (exported for the query-plan test). */
export const VERSION_GAUGES = `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM versions
  WHERE status IN (${GAUGED}) GROUP BY status`

export function createSqliteGauges (db: Db): Pick<Storage, 'pipelineGauges'> {
  return {
    async pipelineGauges () {
      const rows = db.prepare(VERSION_GAUGES).all() as unknown as VersionGaugeRow[]
      const outbox = (db.prepare(`SELECT subscriber_id, COUNT(*) AS depth, MIN(created_at) AS oldest
        FROM deliveries WHERE status = 'pending' GROUP BY subscriber_id`).all() as unknown as OutboxGaugeRow[])
        .map(toOutboxGauge)
      return { ...toVersionGauges(rows), outbox }
    }
  }
}
