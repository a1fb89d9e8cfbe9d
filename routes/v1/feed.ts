// GET /v1/feed: a subscriber-scoped key reads its items in sequence, optionally long-polling.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { readFeed } from '../../src/delivery/feed.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { FeedQuery, FeedReply } from '../../schemas/subscribers.ts'

const feed: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/feed', {
    onRequest: app.requireRole('subscriber'),
    schema: { querystring: FeedQuery, response: { 200: FeedReply, ...ProblemResponses } }
  }, async (request, reply) => {
    // A partner that hangs up stops the wait; the item stays for its next read.
    const gone = new AbortController()
    const onClose = (): void => { if (!reply.raw.writableFinished) gone.abort() }
    reply.raw.once('close', onClose)
    try {
      return await readFeed(app.storage, app.feed, request.apiKey!.subscriberId!, {
        after: request.query.after ?? 0,
        limit: request.query.limit ?? 50,
        waitMs: (request.query.wait ?? 0) * 1000
      }, gone.signal)
    } finally {
      reply.raw.off('close', onClose)
    }
  })
}

export default feed
