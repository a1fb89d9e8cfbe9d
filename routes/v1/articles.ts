// Articles: editors post Arabic stories; anyone with a key reads their state and renditions.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ingestArticle } from '../../src/articles/ingest.ts'
import { killArticle } from '../../src/articles/kill.ts'
import { findArticles } from '../../src/articles/find.ts'
import { articleView, versionHistory } from '../../src/articles/view.ts'
import { renderRendition } from '../../src/formats/rendition.ts'
import { retryArticle } from '../../src/articles/retry.ts'
import {
  ArticleInput, ArticleList, ArticleListQuery, ArticleView, ArticleViewQuery, IngestReply, KillInput,
  RenditionParams, RenditionQuery, StoryKilledProblem, VersionList
} from '../../schemas/articles.ts'
import { IdParams, type WithDefaults } from '../../schemas/common.ts'
import { ProblemResponses } from '../../schemas/problem.ts'

const articles: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/articles', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { body: ArticleInput, response: { 200: IngestReply, 202: IngestReply, ...ProblemResponses, 409: StoryKilledProblem } }
  }, async (request, reply) => {
    const outcome = await ingestArticle(app.storage, app.pipeline, request.body, app.now())
    const { articleId: id, guid, version, status } = outcome
    return reply.code(outcome.kind === 'created' ? 202 : 200).send({ id, guid, version, status })
  })

  // Stories newest first, filtered, a page at a time (nextCursor).
  app.get('/articles', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { querystring: ArticleListQuery, response: { 200: ArticleList, ...ProblemResponses } }
  }, async (request) => findArticles(app.storage, request.query as WithDefaults<typeof request.query, 'limit'>))

  app.post('/articles/:id/kill', {
    onRequest: app.requireRole('editor', 'admin'),
    // The body is optional: a kill without a reason is a bare POST.
    preValidation: async (request) => { request.body ??= {} },
    schema: { params: IdParams, body: KillInput, response: { 202: IngestReply, ...ProblemResponses } }
  }, async (request, reply) => {
    const killed = await killArticle(app.storage, app.pipeline, request.params.id, app.now(), request.body?.reason)
    return reply.code(202).send(killed)
  })

  // A failed story tries translation again; 409 when its latest version has not failed.
  app.post('/articles/:id/retry', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { params: IdParams, response: { 202: IngestReply, ...ProblemResponses } }
  }, async (request, reply) => {
    const retried = await retryArticle(app.storage, app.pipeline, request.params.id, app.now())
    return reply.code(202).send(retried)
  })

  app.get('/articles/:id', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { params: IdParams, querystring: ArticleViewQuery, response: { 200: ArticleView, ...ProblemResponses } }
  }, async (request) => articleView(app.storage, request.params.id, {
    version: request.query.version,
    pricePerMillionChars: app.config.translationPricePerMillionChars
  }))

  app.get('/articles/:id/versions', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { params: IdParams, response: { 200: VersionList, ...ProblemResponses } }
  }, async (request) => versionHistory(app.storage, request.params.id))

  app.get('/articles/:id/renditions/:format', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { params: RenditionParams, querystring: RenditionQuery }
  }, async (request, reply) => {
    const doc = await renderRendition(app.storage, {
      articleId: request.params.id,
      format: request.params.format,
      formatVersion: request.query.formatVersion,
      lang: request.query.lang,
      version: request.query.version,
      providerName: app.config.providerName
    })
    return reply.type(doc.contentType).send(doc.body)
  })
}

export default articles
