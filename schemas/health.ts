// Liveness and readiness replies.
import { Type } from 'typebox'
import { LiteralUnion } from './common.ts'

/** Why the database takes no writes (src/storage/unavailable.ts tells them apart). */
export const UNAVAILABLE_REASONS = ['unreachable', 'full', 'read-only'] as const
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number]

export const Health = Type.Object({ status: Type.Literal('ok') })

export const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  /** full / read-only: a write failed so within the last Retry-After interval. */
  database: LiteralUnion(['ok', ...UNAVAILABLE_REASONS]),
  since: Type.Optional(Type.String({ description: 'When the database first refused writes in this episode.' }))
})

/** GET /metrics. */
export const MetricsText = Type.String({ description: 'Prometheus text format' })
