// Subscribers: partner endpoints (push) and feeds (pull). Admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Static } from 'typebox'
import {
  createSubscriber, deleteSubscriber, getSubscriber, replayDeliveries, rotateSecret, updateSubscriber
} from '../../src/delivery/subscribers.ts'
import { deliveryPage } from '../../src/delivery/deliveries.ts'
import { toUtcDateTime } from '../../src/http/date-time.ts'
import { IdParams, NoContent, type WithDefaults } from '../../schemas/common.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import {
  DeliveryListQuery, DeliveryPage, ReplayInput, ReplayReply, SecretRotated, SubscriberCreated, SubscriberEventList,
  SubscriberInput, SubscriberList, SubscriberPatch, SubscriberView
} from '../../schemas/subscribers.ts'

const subscribers: FastifyPluginAsyncTypebox = async (app) => {
  const admin = app.requireRole('admin')

  app.post('/subscribers', {
    onRequest: admin,
    schema: { body: SubscriberInput, response: { 201: SubscriberCreated, ...ProblemResponses } }
  }, async (request, reply) => {
    const created = await createSubscriber(app.storage, app.addressPolicy, request.body, app.now())
    return reply.code(201).send(created)
  })

  app.get('/subscribers', {
    onRequest: admin,
    schema: { response: { 200: SubscriberList, ...ProblemResponses } }
  }, async () => ({ subscribers: await app.storage.listSubscribers() }))

  app.get('/subscribers/:id', {
    onRequest: admin,
    schema: { params: IdParams, response: { 200: SubscriberView, ...ProblemResponses } }
  }, async (request) => getSubscriber(app.storage, request.params.id))

  app.patch('/subscribers/:id', {
    onRequest: admin,
    schema: { params: IdParams, body: SubscriberPatch, response: { 200: SubscriberView, ...ProblemResponses } }
  }, async (request) => updateSubscriber(app.storage, app.addressPolicy, app.pipeline, request.params.id, request.body, app.now()))

  app.delete('/subscribers/:id', {
    onRequest: admin,
    schema: { params: IdParams, response: { 204: NoContent, ...ProblemResponses } }
  }, async (request, reply) => {
    await deleteSubscriber(app.storage, request.params.id, app.now())
    return reply.code(204).send(null)
  })

  app.post('/subscribers/:id/rotate-secret', {
    onRequest: admin,
    schema: { params: IdParams, response: { 200: SecretRotated, ...ProblemResponses } }
  }, async (request) => rotateSecret(app.storage, request.params.id, app.config.delivery.secretOverlapMs, app.now()))

  app.get('/subscribers/:id/events', {
    onRequest: admin,
    schema: { params: IdParams, response: { 200: SubscriberEventList, ...ProblemResponses } }
  }, async (request) => {
    await getSubscriber(app.storage, request.params.id)
    return { events: await app.storage.listSubscriberEvents(request.params.id) }
  })

  app.get('/subscribers/:id/deliveries', {
    onRequest: admin,
    schema: { params: IdParams, querystring: DeliveryListQuery, response: { 200: DeliveryPage, ...ProblemResponses } }
  }, async (request) => {
    await getSubscriber(app.storage, request.params.id)
    // limit has a schema default, which ajv fills in.
    return deliveryPage(app.storage, request.params.id, request.query as WithDefaults<Static<typeof DeliveryListQuery>, 'limit'>)
  })

  app.post('/subscribers/:id/replay', {
    onRequest: admin,
    schema: { params: IdParams, body: ReplayInput, response: { 200: ReplayReply, ...ProblemResponses } }
  }, async (request) => {
    const since = toUtcDateTime(request.body.since)
    return { replayed: await replayDeliveries(app.storage, app.pipeline, request.params.id, since, app.now()) }
  })
}

export default subscribers
