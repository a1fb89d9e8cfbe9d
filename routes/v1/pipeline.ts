// GET /v1/pipeline: how far behind the pipeline is (waiting versions and the oldest one's age,
// per status, and the push outbox), for editors watching a backlog drain and for alerting.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pipelineBacklog } from '../../src/pipeline/backlog.ts'
import { PipelineBacklog } from '../../schemas/pipeline.ts'
import { ProblemResponses } from '../../schemas/problem.ts'

const pipeline: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/pipeline', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { response: { 200: PipelineBacklog, ...ProblemResponses } }
  }, async () => pipelineBacklog(await app.storage.pipelineGauges(), app.now()))
}

export default pipeline
