// API keys: admins create editor or admin keys. The key is shown once in the reply.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { KeyCreated, KeyInput } from '../../schemas/keys.ts'
import { ProblemResponses } from '../../schemas/problem.ts'

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/keys', {
    onRequest: app.requireRole('admin'),
    schema: { body: KeyInput, response: { 201: KeyCreated, ...ProblemResponses } }
  }, async (request, reply) => {
    const created = await createApiKey(app.storage, request.body.role, request.body.label, app.now())
    return reply.code(201).send(created)
  })
}

export default keys
