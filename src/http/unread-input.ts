// Input a route does not read is refused, never ignored. Routes that take no body (retry,
// rotate-secret, DELETE …) refuse one that carries fields, as every other route refuses fields it
// does not know: a client that sends `{"force": true}` to a retry learns at once that nothing
// reads it, instead of believing it was honoured. A bare request, or `{}`, is what such a route
// expects. Likewise an API route without query parameters refuses any (`?verison=2` is a typo
// to report, not a request for the latest version).
import type { FastifyInstance, RouteOptions } from 'fastify'
import { EmptyBody, NoQuery } from '../../schemas/common.ts'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

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

/**
 * Gives every API route (under /v1/) without a query schema one that admits no parameter. Probes,
 * /metrics and the documentation pages are left alone: what calls them is not ours to correct.
 */
export function refuseUnreadQueries (app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/') || route.schema?.querystring !== undefined) return
    route.schema = { ...route.schema, querystring: NoQuery }
  })
}
