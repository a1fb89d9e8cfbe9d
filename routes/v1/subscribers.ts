// Subscribers: partner endpoints that receive signed webhooks. Admin only.
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { checkUrl } from '../../src/delivery/address-guard.ts'
import { generateSecret } from '../../src/delivery/sign.ts'
import { badRequest } from '../../src/http/errors.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { SubscriberCreated, SubscriberInput } from '../../schemas/subscribers.ts'

const subscribers: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/subscribers', {
    onRequest: app.requireRole('admin'),
    schema: { body: SubscriberInput, response: { 201: SubscriberCreated, ...ProblemResponses } }
  }, async (request, reply) => {
    const verdict = checkUrl(request.body.url, app.addressPolicy)
    if (!verdict.allowed) throw badRequest('/body/url', verdict.reason ?? 'is not an allowed webhook address')
    const subscriber = {
      id: randomUUID(),
      name: request.body.name,
      url: request.body.url,
      format: request.body.format,
      languages: request.body.languages,
      active: true,
      createdAt: app.now().toISOString(),
      secret: generateSecret()
    }
    await app.storage.createSubscriber(subscriber)
    return reply.code(201).send(subscriber)
  })
}

export default subscribers
