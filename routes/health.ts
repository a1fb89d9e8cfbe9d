// Liveness (the process answers) and readiness (the database answers). No authentication.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health, Ready } from '../schemas/health.ts'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const }))

  app.get('/ready', { schema: { response: { 200: Ready, 503: Ready } } }, async (request, reply) => {
    try {
      await app.storage.ping()
      return { status: 'ready' as const, database: 'ok' as const }
    } catch (err) {
      request.log.error({ err }, 'readiness check: database unreachable')
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' })
    }
  })
}

export default health
