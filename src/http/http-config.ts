// The HTTP front's settings, read with the rest of the configuration (src/config.ts): server
// timeouts, the per-key rate limit, load shedding, /metrics access and the public base URL.
//   HTTP_CONNECTION_TIMEOUT   idle socket timeout (default 2m; above the longest feed long-poll, 30 s)
//   HTTP_REQUEST_TIMEOUT      whole request, headers and body, must arrive within (default 30s: slow clients)
//   HTTP_KEEP_ALIVE_TIMEOUT   idle keep-alive connection kept open (default 72s, above common proxies' 60 s)
//   RATE_LIMIT_PER_MINUTE     requests per API key (or per address without a key) per minute (default 1200)
//   MAX_EVENT_LOOP_DELAY      answer 503 while the event loop lags more than this (default 1s; `off` disables)
//   METRICS_TOKEN             a bearer token for /metrics besides admin keys (≥ 24 characters)
//   METRICS_SUBSCRIBER_LABELS subscribers labelled in outbox gauges, deepest first; the rest summed (default 20)
//   PUBLIC_BASE_URL           https://nashra.example.org: the address absolute links use behind a proxy
import { valueReaders } from '../config-values.ts'

export interface HttpConfig {
  connectionTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
  rateLimitPerMinute: number
  maxEventLoopDelayMs: number
  metricsToken?: string
  metricsSubscriberLabels: number
  /** Origin and optional path prefix, without a trailing slash. */
  publicBaseUrl?: string
}

export function readHttpConfig (read: (name: string) => string | undefined, problems: string[]): HttpConfig {
  const { duration, integer } = valueReaders(read, problems)
  const count = (name: string, fallback: number, max: number): number => integer(name, fallback, 1, max)
  const metricsToken = read('METRICS_TOKEN')
  if (metricsToken !== undefined && metricsToken.length < 24) {
    problems.push('METRICS_TOKEN must be at least 24 characters long (use a random value)')
  }
  const rawBase = read('PUBLIC_BASE_URL')
  let publicBaseUrl: string | undefined
  if (rawBase !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(rawBase)
    } catch {}
    if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '' ||
      url.username !== '' || url.password !== '') {
      problems.push(`PUBLIC_BASE_URL must be an http(s) URL without query, fragment or credentials, like https://nashra.example.org, got "${rawBase}"`)
    } else {
      publicBaseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
    }
  }
  return {
    connectionTimeoutMs: duration('HTTP_CONNECTION_TIMEOUT', '2m'),
    requestTimeoutMs: duration('HTTP_REQUEST_TIMEOUT', '30s'),
    keepAliveTimeoutMs: duration('HTTP_KEEP_ALIVE_TIMEOUT', '72s'),
    rateLimitPerMinute: count('RATE_LIMIT_PER_MINUTE', 1200, 1_000_000),
    // 0: no load shedding (`off`), for test suites that load a small machine on purpose.
    maxEventLoopDelayMs: read('MAX_EVENT_LOOP_DELAY') === 'off' ? 0 : duration('MAX_EVENT_LOOP_DELAY', '1s'),
    ...(metricsToken === undefined ? {} : { metricsToken }),
    metricsSubscriberLabels: count('METRICS_SUBSCRIBER_LABELS', 20, 1000),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl })
  }
}
