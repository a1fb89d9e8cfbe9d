// Requests and responses of /v1/keys.
import { type Static, Type } from 'typebox'

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('subscriber')])

export const KeyInput = Type.Object({
  role: Role,
  label: Type.String({ minLength: 1, maxLength: 200 }),
  subscriberId: Type.Optional(Type.String({ format: 'uuid', description: 'Required for role subscriber: whose feed the key reads.' }))
}, { additionalProperties: false })
export type KeyInput = Static<typeof KeyInput>

export const KeyCreated = Type.Object({
  id: Type.String(),
  role: Role,
  label: Type.String(),
  subscriberId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  key: Type.String({ description: 'The API key itself. Shown once; Nashra keeps only its hash.' })
})

export const KeyParams = Type.Object({
  id: Type.String({ format: 'uuid' })
})

export const KeySummary = Type.Object({
  id: Type.String(),
  role: Role,
  label: Type.String(),
  subscriberId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()], { description: 'Last authenticated request, recorded at most once a minute.' }),
  revokedAt: Type.Union([Type.String(), Type.Null()])
})

export const KeyList = Type.Object({
  keys: Type.Array(KeySummary, { description: 'Every key, oldest first; never the key itself or its hash.' })
})
