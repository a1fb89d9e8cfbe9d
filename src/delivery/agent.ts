// The HTTP agent for webhook deliveries. It resolves host names itself and connects to the very
// address it checked: resolving once to check and letting the socket resolve again would leave a
// DNS-rebinding window (first answer public, second answer 127.0.0.1). undici's `connect.lookup`
// option alone is not enough either, because IP literals in the URL skip the lookup entirely.
import { isIP } from 'node:net'
import { Agent, buildConnector } from 'undici'
import { type LookupAll, lookupAll, lookupWithTimeout } from '../hosts.ts'
import type { AddressPolicy } from './address-guard.ts'

export type DeliveryAgentOptions = {
  policy: AddressPolicy
  /** Bounds the DNS lookup and, separately, each TCP/TLS connection attempt. */
  connectTimeoutMs?: number
  /** How long an idle kept-alive connection is held (undici default 4 s). */
  keepAliveTimeoutMs?: number
  /** Upper bound for a server-suggested keep-alive timeout. */
  keepAliveMaxTimeoutMs?: number
  /** Maximum connections per origin; unlimited when omitted. */
  connections?: number
  lookup?: LookupAll
}

export const ADDRESS_REFUSED = 'ERR_NASHRA_ADDRESS_REFUSED'

export class AddressRefusedError extends Error {
  readonly code = ADDRESS_REFUSED
  readonly hostname: string
  readonly address: string
  readonly reason: string

  constructor (hostname: string, address: string, reason: string) {
    const via = hostname === address ? '' : ` (resolved from ${hostname})`
    super(`delivery to ${address}${via} refused: ${reason}`)
    this.name = 'AddressRefusedError'
    this.hostname = hostname
    this.address = address
    this.reason = reason
  }
}

type ConnectOptions = buildConnector.Options
type ConnectCallback = buildConnector.Callback

/** Resolves and checks every address; one refused address refuses the whole host. */
async function resolveChecked (
  hostname: string,
  policy: AddressPolicy,
  lookup: LookupAll,
  timeoutMs: number
): Promise<string[]> {
  const addresses =
    isIP(hostname) !== 0
      ? [hostname]
      : (await lookupWithTimeout(hostname, timeoutMs, lookup)).map((entry) => entry.address)
  if (addresses.length === 0) {
    const err = new Error(`DNS lookup of ${hostname} returned no addresses`) as Error & {
      code: string
    }
    err.code = 'ENOTFOUND'
    throw err
  }
  // Refusing on any bad answer (rather than skipping it) keeps a host that mixes public and
  // internal records from reaching the internal one through a connection-failure fallback.
  for (const address of addresses) {
    const verdict = policy(address)
    if (!verdict.allowed) {
      throw new AddressRefusedError(hostname, address, verdict.reason ?? 'not allowed')
    }
  }
  return addresses
}

/** Creates the agent; the caller owns it and must `close()` it. */
export function createDeliveryAgent (options: DeliveryAgentOptions): Agent {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000
  const lookup = options.lookup ?? lookupAll
  const connectSocket = buildConnector({ timeout: connectTimeoutMs })

  const connect = (opts: ConnectOptions, callback: ConnectCallback): void => {
    resolveChecked(opts.hostname, options.policy, lookup, connectTimeoutMs).then(
      (addresses) => {
        // The certificate must still be checked against the name in the URL, not the IP.
        const servername =
          opts.protocol === 'https:'
            ? opts.servername || (isIP(opts.hostname) === 0 ? opts.hostname : undefined)
            : undefined
        // Try the checked addresses in resolver order, as a normal client would.
        const attempt = (index: number, lastError: Error | null): void => {
          const address = addresses[index]
          if (address === undefined) {
            callback(lastError ?? new Error(`no address to connect to for ${opts.hostname}`), null)
            return
          }
          connectSocket({ ...opts, hostname: address, servername }, (err, socket) => {
            if (err) attempt(index + 1, err)
            else callback(null, socket)
          })
        }
        attempt(0, null)
      },
      (err: Error) => callback(err, null)
    )
  }

  return new Agent({
    connect,
    ...(options.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeout: options.keepAliveTimeoutMs }),
    ...(options.keepAliveMaxTimeoutMs === undefined
      ? {}
      : { keepAliveMaxTimeout: options.keepAliveMaxTimeoutMs }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  })
}
