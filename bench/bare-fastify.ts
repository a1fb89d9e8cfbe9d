// The baseline of bench:ingest, in its own process: a bare Fastify 5 route that parses the same
// JSON body and answers 202, with nothing behind it (no validation, no storage, no logging).
import Fastify from 'fastify'

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
app.post('/v1/articles', async (request, reply) => {
  const body = request.body as { guid?: string }
  return reply.code(202).send({ guid: body.guid, status: 'received' })
})
await app.listen({ host: '127.0.0.1', port: 0 })
process.send?.({ port: (app.server.address() as { port: number }).port })
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stop') void app.close().then(() => process.disconnect?.())
})
