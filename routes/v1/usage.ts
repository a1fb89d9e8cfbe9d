// Translation cost per day and language, for editors and admins watching the bill.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { usageReport } from '../../src/translation/cost.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { UsageQuery, UsageReport } from '../../schemas/usage.ts'

const usage: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/usage', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { querystring: UsageQuery, response: { 200: UsageReport, ...ProblemResponses } }
  }, async (request) => usageReport(app.storage, request.query, app.config.translationPricePerMillionChars, app.now()))
}

export default usage
