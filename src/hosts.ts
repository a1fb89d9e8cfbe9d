// Host names of the URLs Nashra calls (partners' webhooks, the translation endpoint): the host of
// a URL as a resolver and an IP parser want it, the names RFC 6761 reserves for loopback, and a
// DNS lookup that cannot hang a request or a delivery.
import { lookup as dnsLookup } from 'node:dns/promises'

/** The host name of a URL, without the brackets an IPv6 literal carries there ("[::1]" → "::1"). */
export function hostOf (url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).hostname.replace(/^\[(.*)\]$/, '$1')
}

/** RFC 6761 reserves localhost names for loopback: "localhost", "x.localhost", any case, trailing dot. */
export function isLocalhostName (host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost')
}

export type ResolvedAddress = { address: string; family: number }
/** Resolves a host name to every address it has; injectable so tests can script answers. */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>

export const lookupAll: LookupAll = (hostname) => dnsLookup(hostname, { all: true })

/**
 * Every address of `hostname`, or a rejection with code ETIMEDOUT after `timeoutMs`. dns.lookup
 * cannot be cancelled; losing the race just means its answer is ignored.
 */
export function lookupWithTimeout (hostname: string, timeoutMs: number, lookup: LookupAll = lookupAll): Promise<ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`DNS lookup of ${hostname} timed out after ${timeoutMs} ms`) as Error & { code: string }
      err.code = 'ETIMEDOUT'
      reject(err)
    }, timeoutMs)
  })
  return Promise.race([lookup(hostname), timeout]).finally(() => clearTimeout(timer))
}
