// Scrape-time gauges on PostgreSQL. Both statements read only rows still in the pipeline, through
// versions_work and the partial deliveries_due index (status = 'pending'), so their cost
// follows the backlog, not history.
import type { Sql } from './pg-tx.ts'
import { type OutboxGaugeRow, toOutboxGauge, toVersionGauges, type VersionGaugeRow } from './rows.ts'
import { GAUGED_VERSION_STATUSES, type Storage } from './types.ts'

export function createPgGauges (db: Sql): Pick<Storage, 'pipelineGauges'> {
  return {
    async pipelineGauges () {
      const rows = await db.rows<VersionGaugeRow>(
        'SELECT status, COUNT(*)::int AS n, MIN(created_at) AS oldest FROM versions WHERE status = ANY($1) GROUP BY status',
        [[...GAUGED_VERSION_STATUSES]])
      const outbox = (await db.rows<OutboxGaugeRow>(
        `SELECT subscriber_id, COUNT(*)::int AS depth, MIN(created_at) AS oldest
         FROM deliveries WHERE status = 'pending' GROUP BY subscriber_id`))
        .map(toOutboxGauge)
      return { ...toVersionGauges(rows), outbox }
    }
  }
}
