// RFC 9457 problem details: the shape of every error Nashra answers.
import { type Static, Type } from 'typebox'

export const InvalidParam = Type.Object({
  /** JSON Pointer into the request, e.g. "/body/headline" or "/querystring/lang". */
  name: Type.String(),
  reason: Type.String()
})

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  'invalid-params': Type.Optional(Type.Array(InvalidParam))
}, {
  // Extension members (e.g. the formats, languages or versions that exist, in a 404) must survive
  // fast-json-stringify on every status a route declares.
  additionalProperties: true
})
export type Problem = Static<typeof Problem>

/** Response schemas for the error statuses every authenticated route can answer. */
export const ProblemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem
}
