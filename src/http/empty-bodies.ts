// Routes that take no body (retry, rotate-secret, DELETE …) refuse one that carries fields, as
// every other route refuses fields it does not know: a client that sends `{"force": true}` to a
// retry learns at once that nothing reads it, instead of believing it was honoured. A bare
// request, or `{}`, is what such a route expects.
import type { FastifyInstance, RouteOptions } from 'fastify'
import { Type } from 'typebox'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'No body is read; send none, or {}.' })

function takesBody (method: RouteOptions['method']): boolean {
  return (Array.isArray(method) ? method : [method]).some((m) => WITH_BODY.has(String(m).toUpperCase()))
}

/** Gives every body-taking route without a body schema one that admits only nothing or `{}`. */
export function refuseUnreadBodies (app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!takesBody(route.method) || route.schema?.body !== undefined) return
    route.schema = { ...route.schema, body: EmptyBody }
    const earlier = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]
    // No body at all is the ordinary case: validate it as {}.
    route.preValidation = [async (request) => { request.body ??= {} }, ...earlier]
  })
}
