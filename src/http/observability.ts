// Makes the app's metrics reachable from routes, times every request by its route pattern
// (never the raw URL: ids in paths would make one series per article), and logs each request in
// one line when it is answered. Fastify's own request logging (off in app.ts) wrote two, one on
// arrival and one on completion: the first was 13 µs of each ingested story, and said nothing the
// second does not.
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
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
      'request completed')
    opts.metrics.httpDuration.observe({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode)
    }, reply.elapsedTime / 1000)
  })
}, { name: 'nashra-observability' })
