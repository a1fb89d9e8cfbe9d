// Requests and responses of /v1/subscribers.
import { type Static, Type } from 'typebox'

export const SubscriberInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2048, format: 'uri' }),
  format: Type.Literal('newsml-g2', { default: 'newsml-g2' }),
  languages: Type.Array(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), { minItems: 1, maxItems: 50, uniqueItems: true, default: ['en'] })
}, { additionalProperties: false })
export type SubscriberInput = Static<typeof SubscriberInput>

export const SubscriberView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  format: Type.String(),
  languages: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String()
})

export const SubscriberCreated = Type.Object({
  ...SubscriberView.properties,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_…). Shown once.' })
})
