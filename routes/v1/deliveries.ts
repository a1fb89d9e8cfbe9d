// One delivery: its record with the full attempt log, and a manual re-send. Admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpError, notFound } from '../../src/http/errors.ts'
import { IdParams } from '../../schemas/common.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { DeliveryRecord } from '../../schemas/subscribers.ts'

const deliveries: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/deliveries/:id', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 200: DeliveryRecord, ...ProblemResponses } }
  }, async (request) => {
    const delivery = await app.storage.getDelivery(request.params.id)
    if (delivery === null) throw notFound('Delivery', `No delivery has the id ${request.params.id}.`)
    return { ...delivery, attemptLog: await app.storage.listAttempts(delivery.id) }
  })

  app.post('/deliveries/:id/retry', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 202: DeliveryRecord, ...ProblemResponses, 409: ProblemResponses[400] } }
  }, async (request, reply) => {
    const existing = await app.storage.getDelivery(request.params.id)
    if (existing === null) throw notFound('Delivery', `No delivery has the id ${request.params.id}.`)
    if (existing.status === 'feed') {
      throw new HttpError(409, 'NASHRA_PULL_DELIVERY', 'Nothing to re-send', 'This item waits in a pull feed; the partner reads it again with GET /v1/feed.')
    }
    if (existing.status === 'canceled') {
      throw new HttpError(409, 'NASHRA_DELIVERY_CANCELED', 'Delivery canceled',
        'A kill of the story superseded this delivery; re-sending it would republish a withdrawn version.')
    }
    const delivery = await app.storage.retryDelivery(existing.id, app.now().toISOString())
    app.pipeline.wake()
    return reply.code(202).send(delivery!)
  })
}

export default deliveries
