// Liveness (the process answers) and readiness (the database answers). No authentication.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health, Ready } from '../schemas/health.ts'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const }))

  // 503 while the database is unreachable, or refused a write as full or read-only within the
  // last Retry-After interval (a SELECT alone still works on a full or read-only database).
  app.get('/ready', { schema: { response: { 200: Ready, 503: Ready } } }, async (request, reply) => {
    try {
      await app.storage.ping()
    } catch (err) {
      request.log.warn({ err }, 'readiness check: database unreachable')
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', database: 'unreachable' })
    }
    const unavailable = app.storageHealth.unavailable()
    if (unavailable !== null) {
      return reply.code(503).header('retry-after', String(unavailable.retryAfterSeconds))
        .send({ status: 'unavailable', database: unavailable.reason, since: unavailable.since })
    }
    return { status: 'ready' as const, database: 'ok' as const }
  })
}

export default health
