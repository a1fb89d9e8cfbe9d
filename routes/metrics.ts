// GET /metrics: Prometheus text format. Admin keys may scrape, and so may METRICS_TOKEN when set
// (a scraper then needs no key that could change the service).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MetricsText } from '../schemas/health.ts'
import { bearerToken } from '../src/http/auth.ts'

const digest = (value: string): Buffer => createHash('sha256').update(value).digest()

const metrics: FastifyPluginAsyncTypebox = async (app) => {
  const admin = app.requireRole('admin')
  const token = app.config.http.metricsToken
  const tokenDigest = token === undefined ? undefined : digest(token)

  app.get('/metrics', {
    onRequest: async (request) => {
      const presented = bearerToken(request)
      if (tokenDigest !== undefined && presented !== null && timingSafeEqual(digest(presented), tokenDigest)) return
      await admin(request)
    },
    schema: {
      summary: 'Prometheus metrics',
      description: 'Text exposition format 0.0.4. Needs an admin key, or METRICS_TOKEN as a bearer token when it is set.',
      security: [{ bearer: [] }],
      response: { 200: MetricsText }
    }
  }, async (_request, reply) => {
    const gauges = await app.storage.pipelineGauges()
    app.metrics.setPipelineGauges(gauges, app.now())
    return reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics())
  })
}

export default metrics
