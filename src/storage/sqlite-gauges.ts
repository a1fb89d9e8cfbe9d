// Scrape-time gauges on SQLite. Both statements read only rows still in the pipeline, through
// versions_by_status and the outbox queue's indexes, so their cost follows the backlog, not history.
import { type OutboxGaugeRow, toOutboxGauge, toVersionGauges, type VersionGaugeRow } from './rows.ts'
import type { Db } from './sqlite-tx.ts'
import { GAUGED_VERSION_STATUSES, type Storage } from './types.ts'

const GAUGED = GAUGED_VERSION_STATUSES.map((s) => `'${s}'`).join(', ')
/** Versions per gauged status (exported for the query-plan test). */
export const VERSION_GAUGES = `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM versions
  WHERE status IN (${GAUGED}) GROUP BY status`

/**
 * Pending deliveries per subscriber: every pending row is in exactly one of the queue's indexes
 * (the head; numbered rows behind it; rows never sent behind it: sqlite-queue.ts), so the walk
 * follows the backlog, never the history (deliveries_due holds the heads only, migration 96).
 */
export const OUTBOX_GAUGES = `SELECT subscriber_id, COUNT(*) AS depth, MIN(created_at) AS oldest FROM (
  SELECT subscriber_id, created_at FROM deliveries INDEXED BY deliveries_head WHERE status = 'pending' AND next_attempt_at IS NOT NULL
  UNION ALL SELECT subscriber_id, created_at FROM deliveries INDEXED BY deliveries_numbered_queue
    WHERE status = 'pending' AND sequence IS NOT NULL AND next_attempt_at IS NULL
  UNION ALL SELECT subscriber_id, created_at FROM deliveries INDEXED BY deliveries_queue
    WHERE status = 'pending' AND sequence IS NULL AND next_attempt_at IS NULL) GROUP BY subscriber_id`

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
