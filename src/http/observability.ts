// Makes the app's metrics reachable from routes and times every request by its route pattern
// (never the raw URL: ids in paths would make one series per article).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Metrics } from '../metrics/registry.ts'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export default fp(async function observabilityPlugin (app: FastifyInstance, opts: { metrics: Metrics }) {
  app.decorate('metrics', opts.metrics)
  app.addHook('onResponse', async (request, reply) => {
    opts.metrics.httpDuration.observe({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode)
    }, reply.elapsedTime / 1000)
  })
}, { name: 'nashra-observability' })
