// API keys: admins create admin, editor, or subscriber keys (the last bound to one subscriber's feed), list
// them and revoke them. The key is shown once in the reply to its creation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/auth/api-keys.ts'
import { IdParams, NoContent } from '../../schemas/common.ts'
import { KeyCreated, KeyInput, KeyList } from '../../schemas/keys.ts'
import { Problem, ProblemResponses } from '../../schemas/problem.ts'

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/keys', {
    onRequest: app.requireRole('admin'),
    schema: { body: KeyInput, response: { 201: KeyCreated, ...ProblemResponses } }
  }, async (request, reply) => {
    const { role, label, subscriberId } = request.body
    const created = await createApiKey(app.storage, role, label, app.now(), { subscriberId })
    return reply.code(201).send(created)
  })

  app.get('/keys', {
    onRequest: app.requireRole('admin'),
    schema: { response: { 200: KeyList, ...ProblemResponses } }
  }, async () => ({ keys: await listApiKeys(app.storage) }))

  // Revoked at once: the next request with that key is refused. 409 for the last admin key.
  app.delete('/keys/:id', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 204: NoContent, ...ProblemResponses, 409: Problem } }
  }, async (request, reply) => {
    await revokeApiKey(app.storage, request.params.id, app.now())
    return reply.code(204).send(null)
  })
}

export default keys
