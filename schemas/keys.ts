// Requests and responses of /v1/keys.
import { type Static, Type } from 'typebox'
import { LiteralUnion, Uuid } from './common.ts'

/** What a key may do; each route names the roles it admits (src/http/auth.ts). */
export const ROLES = ['admin', 'editor', 'subscriber'] as const
export type Role = (typeof ROLES)[number]
export const Role = LiteralUnion(ROLES)

export const KeyInput = Type.Object({
  role: Role,
  label: Type.String({ minLength: 1, maxLength: 200 }),
  subscriberId: Type.Optional(Uuid({ description: 'Required for role subscriber: whose feed the key reads.' }))
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
