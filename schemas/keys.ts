// Requests and responses of /v1/keys.
import { type Static, Type } from 'typebox'

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('editor')])

export const KeyInput = Type.Object({
  role: Role,
  label: Type.String({ minLength: 1, maxLength: 200 })
}, { additionalProperties: false })
export type KeyInput = Static<typeof KeyInput>

export const KeyCreated = Type.Object({
  id: Type.String(),
  role: Role,
  label: Type.String(),
  createdAt: Type.String(),
  key: Type.String({ description: 'The API key itself. Shown once; Nashra keeps only its hash.' })
})
