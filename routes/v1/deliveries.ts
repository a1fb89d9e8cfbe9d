// One delivery: its record with the full attempt log, and a manual re-send. Admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { deliveryRecord, retryDelivery } from '../../src/delivery/deliveries.ts'
import { IdParams } from '../../schemas/common.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { DeliveryRecord } from '../../schemas/subscribers.ts'

const deliveries: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/deliveries/:id', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 200: DeliveryRecord, ...ProblemResponses } }
  }, async (request) => deliveryRecord(app.storage, request.params.id))

  // 409 for a pull item (read it again from the feed) or one a kill canceled.
  app.post('/deliveries/:id/retry', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 202: DeliveryRecord, ...ProblemResponses, 409: ProblemResponses[400] } }
  }, async (request, reply) => {
    const delivery = await retryDelivery(app.storage, app.pipeline, request.params.id, app.now())
    return reply.code(202).send(delivery)
  })
}

export default deliveries
