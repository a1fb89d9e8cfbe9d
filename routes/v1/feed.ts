// GET /v1/feed: a subscriber-scoped key reads its items in sequence, optionally long-polling.
// GET /v1/feed.atom: the same items as an Atom feed document, for feed readers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Static } from 'typebox'
import { readAtomFeedPage, readFeed } from '../../src/delivery/feed.ts'
import { renderAtomFeed } from '../../src/formats/atom-feed.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import type { WithDefaults } from '../../schemas/common.ts'
import { AtomFeedQuery, FeedQuery, FeedReply } from '../../schemas/subscribers.ts'

// after, limit and wait have schema defaults, which ajv fills in before a handler runs.
type Paging = WithDefaults<Static<typeof FeedQuery>, 'after' | 'limit' | 'wait'>

const feed: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/feed', {
    onRequest: app.requireRole('subscriber'),
    schema: { querystring: FeedQuery, response: { 200: FeedReply, ...ProblemResponses } }
  }, async (request, reply) => {
    // A partner that hangs up stops the wait; the item stays for its next read.
    const gone = new AbortController()
    const onClose = (): void => { if (!reply.raw.writableFinished) gone.abort() }
    reply.raw.once('close', onClose)
    const { after, limit, wait } = request.query as Paging
    try {
      return await readFeed(app.storage, app.feed, request.apiKey!.subscriberId!, { after, limit, waitMs: wait * 1000 }, gone.signal)
    } finally {
      reply.raw.off('close', onClose)
    }
  })

  app.get('/feed.atom', {
    onRequest: app.requireRole('subscriber'),
    // No response schema: the 200 body is XML; problems go through the shared error handler.
    schema: { querystring: AtomFeedQuery }
  }, async (request, reply) => {
    const subscriberId = request.apiKey!.subscriberId!
    const { after, limit } = request.query as Pick<Paging, 'after' | 'limit'>
    const page = await readAtomFeedPage(app.storage, subscriberId, after, limit)
    const doc = renderAtomFeed({
      subscriberId,
      provider: { name: app.config.providerName },
      items: page.items,
      // Feed readers resolve links against the address they polled, so the links name it: the
      // public one (PUBLIC_BASE_URL) behind a proxy, where Nashra sees only its own address.
      href: `${app.config.http.publicBaseUrl ?? `${request.protocol}://${request.host}`}${request.url.split('?')[0]}`,
      after,
      limit,
      next: page.next,
      now: app.now().toISOString()
    })
    return reply.type(doc.contentType).send(doc.body)
  })
}

export default feed
