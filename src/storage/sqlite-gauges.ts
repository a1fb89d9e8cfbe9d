// Scrape-time gauges on SQLite. Both statements read only rows still in the pipeline, through
// versions_by_status and the outbox queue's indexes, so their cost follows the backlog, not history.
import { type OutboxGaugeRow, toOutboxGauge, toVersionGauges, type VersionGaugeRow } from './rows.ts'
import { PENDING_ROWS } from './sqlite-queue.ts'
import type { Db } from './sqlite-tx.ts'
import { GAUGED_VERSION_STATUSES, type Storage } from './types.ts'

const GAUGED = GAUGED_VERSION_STATUSES.map((s) => `'${s}'`).join(', ')
/** Versions per gauged status (exported for the query-plan test). */
export const VERSION_GAUGES = `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM versions
  WHERE status IN (${GAUGED}) GROUP BY status`

/** Pending deliveries per subscriber, read from the queue's indexes (deliveries_due holds the heads only, migration 96). */
export const OUTBOX_GAUGES = `SELECT subscriber_id, COUNT(*) AS depth, MIN(created_at) AS oldest FROM (${PENDING_ROWS('subscriber_id, created_at')})
  GROUP BY subscriber_id`

export function createSqliteGauges (db: Db): Pick<Storage, 'pipelineGauges'> {
  return {
    async pipelineGauges () {
      const rows = db.prepare(VERSION_GAUGES).all() as unknown as VersionGaugeRow[]
      const outbox = (db.prepare(OUTBOX_GAUGES).all() as unknown as OutboxGaugeRow[])
        .map(toOutboxGauge)
      return { ...toVersionGauges(rows), outbox }
    }
  }
}
