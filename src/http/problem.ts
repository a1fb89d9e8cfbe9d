// The one error handler: every failure leaves as RFC 9457 application/problem+json, validation
// failures naming each bad field as a JSON Pointer into the request ("/body/urgency").
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Problem } from '../../schemas/problem.ts'
import { HttpError, type InvalidParam } from './errors.ts'

// A URN, not a URL: there is no public page per problem type to point at.
const PROBLEM_BASE = 'urn:nashra:problem:'

interface ValidationIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

function invalidParams (context: string, issues: ValidationIssue[]): InvalidParam[] {
  return issues.map((issue) => {
    let name = `/${context}${issue.instancePath}`
    if (issue.keyword === 'required') name += `/${String(issue.params.missingProperty)}`
    if (issue.keyword === 'additionalProperties') name += `/${String(issue.params.additionalProperty)}`
    const reason = issue.keyword === 'additionalProperties' ? 'is not a known field' : issue.message ?? 'is invalid'
    return { name, reason }
  })
}

function toProblem (err: FastifyError | HttpError | Error, request: FastifyRequest): Problem & Record<string, unknown> {
  const instance = request.url
  if (err instanceof HttpError) {
    return {
      type: PROBLEM_BASE + err.code.toLowerCase(),
      title: err.title,
      status: err.statusCode,
      detail: err.message,
      instance,
      code: err.code,
      ...(err.invalidParams === undefined ? {} : { 'invalid-params': err.invalidParams }),
      ...err.extensions
    }
  }
  const fastifyErr = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string }
  if (fastifyErr.validation !== undefined) {
    const params = invalidParams(fastifyErr.validationContext ?? 'body', fastifyErr.validation)
    return {
      type: PROBLEM_BASE + 'validation',
      title: 'Invalid request',
      status: 400,
      detail: params.map((p) => `${p.name} ${p.reason}`).join('; '),
      instance,
      code: 'NASHRA_VALIDATION',
      'invalid-params': params
    }
  }
  const status = typeof fastifyErr.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 600
    ? fastifyErr.statusCode
    : 500
  if (status >= 500) {
    return { type: PROBLEM_BASE + 'internal', title: 'Internal error', status, detail: 'The request could not be completed; it has been logged.', instance, code: 'NASHRA_INTERNAL' }
  }
  // Fastify's own 4xx (invalid JSON, unsupported media type, body too large) carry a useful message.
  return {
    type: PROBLEM_BASE + (fastifyErr.code ?? 'client-error').toLowerCase(),
    title: 'Invalid request',
    status,
    detail: fastifyErr.message,
    instance,
    ...(fastifyErr.code === undefined ? {} : { code: fastifyErr.code }),
    ...(fastifyErr.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? { 'invalid-params': [{ name: '/body', reason: 'is not valid JSON' }] } : {})
  }
}

export function installProblemHandlers (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(err, request)
    if (problem.status >= 500) request.log.error({ err }, 'request failed')
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="nashra"')
    return reply.code(problem.status).type('application/problem+json').send(problem)
  })
  app.setNotFoundHandler((request, reply) => {
    const problem: Problem = {
      type: PROBLEM_BASE + 'route-not-found',
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      instance: request.url,
      code: 'NASHRA_ROUTE_NOT_FOUND'
    }
    return reply.code(404).type('application/problem+json').send(problem)
  })
}
