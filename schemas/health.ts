// Liveness and readiness replies.
import { Type } from 'typebox'

export const Health = Type.Object({ status: Type.Literal('ok') })

export const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  /** full / read-only: a write failed so within the last Retry-After interval. */
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable'), Type.Literal('full'), Type.Literal('read-only')]),
  since: Type.Optional(Type.String({ description: 'When the database first refused writes in this episode.' }))
})
