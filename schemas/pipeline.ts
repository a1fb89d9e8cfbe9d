// The response of GET /v1/pipeline: how far behind the pipeline is, read from storage on request.
import { type Static, Type } from 'typebox'

const Since = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the oldest of these was received (UTC); null when there are none.' })
const Seconds = Type.Number({ minimum: 0, description: 'Seconds since then; 0 when there are none.' })

const Stage = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  oldestSince: Since,
  oldestSeconds: Seconds
})

export const PipelineBacklog = Type.Object({
  asOf: Type.String({ format: 'date-time', description: 'When the figures were read.' }),
  waiting: Type.Integer({ minimum: 0, description: 'Versions accepted but not yet distributed: received, translating and translated.' }),
  oldestWaitingSince: Since,
  oldestWaitingSeconds: Type.Number({ minimum: 0, description: 'How far behind the pipeline is: the age of the oldest version not yet distributed (0 when none).' }),
  versions: Type.Object({
    received: Stage,
    translating: Stage,
    translated: Stage,
    failed: Stage
  }, { description: 'Per status. Failed versions wait for a person (POST /v1/articles/{id}/retry) and are not counted as waiting.' }),
  outbox: Type.Object({
    pending: Type.Integer({ minimum: 0, description: 'Push deliveries not yet delivered or dead.' }),
    subscribers: Type.Integer({ minimum: 0, description: 'Push subscribers with any pending delivery.' }),
    oldestSince: Since,
    oldestSeconds: Seconds
  })
})
export type PipelineBacklog = Static<typeof PipelineBacklog>
