// Inbound limits: a request rate per API key (@fastify/rate-limit), and load shedding while the
// event loop is saturated (@fastify/under-pressure). Both answer RFC 9457 problems with
// Retry-After through the one error handler. Health checks are exempt from both, and /metrics
// from shedding: an overloaded service must stay observable.
import { createHash } from 'node:crypto'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { HttpConfig } from './http-config.ts'
import { bearerToken } from './auth.ts'
import { HttpError } from './errors.ts'

const NOT_LIMITED = new Set(['/health', '/ready'])
const NOT_SHED = new Set(['/health', '/ready', '/metrics'])
/** How long a shed client should wait before trying again. */
const SHED_RETRY_AFTER_S = 5

/** Whether requests to this route pattern count against the per-key rate. */
export function isRateLimited (url: string | undefined): boolean {
  return url === undefined || !NOT_LIMITED.has(url)
}

/** The key a request is counted under: its API key (hashed: raw keys are not kept), else its address. */
function rateKey (request: FastifyRequest): string {
  const token = bearerToken(request)
  return token === null ? `ip:${request.ip}` : `key:${createHash('sha256').update(token).digest('base64url')}`
}

export async function registerLimits (app: FastifyInstance, config: HttpConfig): Promise<void> {
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: rateKey,
    allowList: (request) => !isRateLimited(request.routeOptions.url),
    errorResponseBuilder: (_request, context) => new HttpError(429, 'NASHRA_RATE_LIMITED', 'Too many requests',
      `This key may make ${context.max} requests a minute; try again in ${Math.ceil(context.ttl / 1000)} s.`)
  })
  if (config.maxEventLoopDelayMs === 0) return
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    retryAfter: SHED_RETRY_AFTER_S,
    pressureHandler: async (request, reply, type, value) => {
      if (NOT_SHED.has(request.routeOptions.url ?? '')) return
      reply.header('retry-after', String(SHED_RETRY_AFTER_S))
      throw new HttpError(503, 'NASHRA_OVERLOADED', 'Service overloaded',
        `Nashra is too busy to take this request (${type}: ${Math.round(Number(value))}); try again in ${SHED_RETRY_AFTER_S} s.`)
    }
  })
}
