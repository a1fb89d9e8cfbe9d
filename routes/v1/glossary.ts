// Glossary: terms every translation renders one agreed way, and terms it must leave as written.
// Admins change it; editors may read it. Every change bumps the glossary version.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { deleteGlossaryEntry, putGlossaryEntry } from '../../src/translation/glossary.ts'
import { GlossaryChange, GlossaryDeleted, GlossaryInput, GlossaryView } from '../../schemas/glossary.ts'
import { IdParams } from '../../schemas/common.ts'
import { ProblemResponses } from '../../schemas/problem.ts'

const glossary: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/glossary', {
    onRequest: app.requireRole('editor', 'admin'),
    schema: { response: { 200: GlossaryView, ...ProblemResponses } }
  }, async () => app.storage.getGlossary())

  // Creates the entry, or replaces the one for the same term (201 / 200).
  app.post('/glossary', {
    onRequest: app.requireRole('admin'),
    schema: { body: GlossaryInput, response: { 200: GlossaryChange, 201: GlossaryChange, ...ProblemResponses } }
  }, async (request, reply) => {
    const { entry, created, version } = await putGlossaryEntry(app.storage, request.body, app.now())
    return reply.code(created ? 201 : 200).send({ version, entry })
  })

  app.delete('/glossary/:id', {
    onRequest: app.requireRole('admin'),
    schema: { params: IdParams, response: { 200: GlossaryDeleted, ...ProblemResponses } }
  }, async (request) => deleteGlossaryEntry(app.storage, request.params.id))
}

export default glossary
