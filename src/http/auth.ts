// Bearer-key authentication. Routes declare the roles they admit with `app.requireRole(...)` as
// an onRequest hook, so an unauthenticated request is refused before its body is read; the key is never logged (the logger redacts the authorization header).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { verifyApiKey } from '../auth/api-keys.ts'
import type { Role } from '../../schemas/keys.ts'
import type { ApiKeyRecord } from '../storage/types.ts'
import { HttpError } from './errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    requireRole(...roles: Role[]): RoleCheck
  }
  interface FastifyRequest {
    apiKey: ApiKeyRecord | null
  }
}

/** An onRequest hook admitting some roles; `roles` lets the OpenAPI document say which. */
export type RoleCheck = ((request: FastifyRequest) => Promise<void>) & { readonly roles: Role[] }

/** The roles a route's onRequest hooks admit, when one of them is a RoleCheck. */
export function rolesOf (hooks: unknown): Role[] | undefined {
  for (const hook of Array.isArray(hooks) ? hooks : [hooks]) {
    if (typeof hook === 'function' && Array.isArray((hook as Partial<RoleCheck>).roles)) return (hook as RoleCheck).roles
  }
  return undefined
}

export function unauthorized (detail: string): HttpError {
  return new HttpError(401, 'NASHRA_UNAUTHORIZED', 'Unauthorized', detail)
}

export function bearerToken (request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (header === undefined) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

export default fp(async function authPlugin (app: FastifyInstance) {
  app.decorateRequest('apiKey', null)
  app.decorate('requireRole', (...roles: Role[]): RoleCheck => {
    return Object.assign(async function checkRole (request: FastifyRequest): Promise<void> {
      const token = bearerToken(request)
      if (token === null) throw unauthorized('Send an API key as "Authorization: Bearer <key>".')
      const key = await verifyApiKey(app.storage, token, app.now())
      if (key === null) throw unauthorized('The API key is not valid.')
      if (!roles.includes(key.role)) {
        throw new HttpError(403, 'NASHRA_FORBIDDEN', 'Forbidden', `This needs the role ${roles.join(' or ')}; the key has ${key.role}.`)
      }
      request.apiKey = key
    }, { roles })
  })
}, { name: 'nashra-auth', dependencies: ['nashra-core'] })
