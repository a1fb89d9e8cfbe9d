// Decides which IP addresses a webhook may be delivered to. Partner URLs are attacker-controlled
// input, so without this guard a registration could make Nashra POST into our own network
// (SSRF): loopback admin ports, cloud metadata at 169.254.169.254, private services.
import { hostOf, isLocalhostName } from '../hosts.ts'
import {
  type Cidr,
  cidrContains,
  formatIPv4,
  type ParsedIp,
  parseCidr,
  parseIp,
} from './ip.ts'

export type AddressVerdict = { allowed: boolean; reason?: string }
export type AddressPolicy = (ip: string) => AddressVerdict

export type AddressPolicyOptions = {
  /** Lifts every refusal: only for trusted set-ups (local development, tests). */
  allowPrivateNetworks: boolean
  /** Ranges that are allowed even though the classifier refuses them (e.g. a partner on a VPN). */
  allowCidrs?: string[]
}

type Rule = { cidr: Cidr; reason: string }

const rules = (table: Array<[string, string]>): readonly Rule[] =>
  Object.freeze(table.map(([range, reason]) => ({ cidr: parseCidr(range), reason })))

// Order matters: the first match names the reason, so specific entries precede broad ones.
const IPV4_RULES = rules([
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private network'],
  ['100.64.0.0/10', 'carrier-grade NAT (shared address space)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'link-local (cloud metadata endpoint)'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private network'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['192.88.99.0/24', 'reserved (former 6to4 relay anycast)'],
  ['192.168.0.0/16', 'private network'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
])

// :: and ::1 also sit inside ::/96 (IPv4-compatible), so they are named before embedding.
const IPV6_SPECIAL = rules([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
])

const IPV6_RULES = rules([
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/32', 'Teredo tunnel'],
  ['2001:10::/28', 'ORCHID (non-routable)'],
  ['2001:20::/28', 'ORCHIDv2 (non-routable)'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local (private network)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
])

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')

// IPv6 forms that carry an IPv4 address; traffic to them ends up at that IPv4 address
// (directly on dual-stack sockets, or via a translator), so the IPv4 address is what we judge.
const EMBEDDING = Object.freeze([
  { cidr: parseCidr('::ffff:0:0/96'), offset: 12, name: 'IPv4-mapped' },
  { cidr: parseCidr('64:ff9b::/96'), offset: 12, name: 'NAT64' },
  { cidr: parseCidr('2002::/16'), offset: 2, name: '6to4' },
  { cidr: parseCidr('::/96'), offset: 12, name: 'IPv4-compatible' },
])

type Embedded = { name: string; ipv4: ParsedIp }

/** The IPv4 address inside an IPv6 address, if it is one of the embedding forms. */
export function embeddedIPv4 (ip: ParsedIp): Embedded | null {
  if (ip.family !== 6) return null
  for (const form of EMBEDDING) {
    if (cidrContains(form.cidr, ip)) {
      const bytes = ip.bytes.slice(form.offset, form.offset + 4)
      return { name: form.name, ipv4: { family: 4, bytes } }
    }
  }
  return null
}

function firstMatch (list: readonly Rule[], ip: ParsedIp): string | undefined {
  return list.find((rule) => cidrContains(rule.cidr, ip))?.reason
}

function classifyParsed (ip: ParsedIp): AddressVerdict {
  if (ip.family === 4) {
    const reason = firstMatch(IPV4_RULES, ip)
    return reason === undefined ? { allowed: true } : { allowed: false, reason }
  }
  const special = firstMatch(IPV6_SPECIAL, ip)
  if (special !== undefined) return { allowed: false, reason: special }
  const embedded = embeddedIPv4(ip)
  if (embedded) {
    const inner = classifyParsed(embedded.ipv4)
    if (inner.allowed) return inner
    const v4 = formatIPv4(embedded.ipv4.bytes)
    return { allowed: false, reason: `${embedded.name} form of ${v4}: ${inner.reason}` }
  }
  const reason = firstMatch(IPV6_RULES, ip)
  if (reason !== undefined) return { allowed: false, reason }
  // Everything public on IPv6 today lives in 2000::/3; the rest is reserved by IANA.
  if (!cidrContains(GLOBAL_UNICAST_V6, ip)) {
    return { allowed: false, reason: 'reserved (outside global unicast 2000::/3)' }
  }
  return { allowed: true }
}

/** Pure classification of one IP literal; names and malformed input are refused. */
export function classifyAddress (ip: string): AddressVerdict {
  const parsed = parseIp(ip)
  if (!parsed) return { allowed: false, reason: 'not an IP address' }
  return classifyParsed(parsed)
}

export function createAddressPolicy (options: AddressPolicyOptions): AddressPolicy {
  // Parsing up front makes a typo in configuration fail at start-up, not at first delivery.
  const allowed = (options.allowCidrs ?? []).map((range) => parseCidr(range.trim()))
  return (ip) => {
    const parsed = parseIp(ip)
    if (!parsed) return { allowed: false, reason: 'not an IP address' }
    if (options.allowPrivateNetworks) return { allowed: true }
    const verdict = classifyParsed(parsed)
    if (verdict.allowed) return verdict
    const inner = embeddedIPv4(parsed)?.ipv4
    const listed = allowed.some(
      (cidr) => cidrContains(cidr, parsed) || (inner !== undefined && cidrContains(cidr, inner))
    )
    return listed ? { allowed: true } : verdict
  }
}

/**
 * Registration-time check of a partner URL. Host names are NOT resolved here: DNS can change
 * after registration, so the authoritative check happens at connect time (see agent.ts).
 */
export function checkUrl (url: string, policy: AddressPolicy): AddressVerdict {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { allowed: false, reason: 'not a valid URL' }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { allowed: false, reason: `scheme ${parsed.protocol} is not http or https` }
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { allowed: false, reason: 'credentials in the URL are not allowed' }
  }
  // WHATWG URL already normalised odd IPv4 spellings ("0x7f.1", "2130706433") to dotted quads.
  const host = hostOf(parsed)
  if (host === '') return { allowed: false, reason: 'URL has no host' }
  if (parseIp(host)) {
    const verdict = policy(host)
    return verdict.allowed ? verdict : { allowed: false, reason: `${host} is ${verdict.reason}` }
  }
  // RFC 6761 reserves localhost names for loopback, so no lookup is needed to judge them.
  if (isLocalhostName(host)) {
    for (const loopback of ['127.0.0.1', '::1']) {
      const verdict = policy(loopback)
      if (!verdict.allowed) return { allowed: false, reason: `${host} is ${verdict.reason}` }
    }
  }
  return { allowed: true }
}
