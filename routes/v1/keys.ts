// API keys: admins create admin, editor, or subscriber keys (the last bound to one subscriber's feed). The key is shown once in the reply.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { badRequest } from '../../src/http/errors.ts'
import { KeyCreated, KeyInput } from '../../schemas/keys.ts'
import { ProblemResponses } from '../../schemas/problem.ts'

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/keys', {
    onRequest: app.requireRole('admin'),
    schema: { body: KeyInput, response: { 201: KeyCreated, ...ProblemResponses } }
  }, async (request, reply) => {
    const { role, label, subscriberId } = request.body
    if (role === 'subscriber') {
      if (subscriberId === undefined) throw badRequest('/body/subscriberId', 'is required for role subscriber')
      if (await app.storage.getSubscriber(subscriberId) === null) throw badRequest('/body/subscriberId', 'names no subscriber')
    } else if (subscriberId !== undefined) {
      throw badRequest('/body/subscriberId', 'is only for role subscriber')
    }
    const created = await createApiKey(app.storage, role, label, app.now(), subscriberId === undefined ? {} : { subscriberId })
    return reply.code(201).send(created)
  })
}

export default keys
