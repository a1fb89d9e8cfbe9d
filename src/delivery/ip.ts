// Byte-level IP helpers for the address guard. We parse addresses into bytes ourselves
// (instead of only asking net.BlockList) because the guard must look *inside* IPv6 forms
// that carry an IPv4 address (mapped, compatible, NAT64, 6to4) and judge that IPv4 address.
import { isIP } from 'node:net'

export type ParsedIp = {
  family: 4 | 6
  bytes: Uint8Array
}

export type Cidr = {
  family: 4 | 6
  bytes: Uint8Array
  prefix: number
  text: string
}

/** Strips an IPv6 zone id ("fe80::1%eth0"): the zone does not change which range it is in. */
function stripZone (ip: string): string {
  const at = ip.indexOf('%')
  return at === -1 ? ip : ip.slice(0, at)
}

function parseIPv4Bytes (ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.'), (part) => Number.parseInt(part, 10))
}

/** Expands an already-validated IPv6 text (incl. "::" and a trailing dotted quad) to 16 bytes. */
function parseIPv6Bytes (ip: string): Uint8Array {
  let text = ip
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    // Rewrite "::ffff:1.2.3.4" as "::ffff:102:304" so only one syntax is left to expand.
    const v4 = parseIPv4Bytes(tail)
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16)
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`
  }
  const toWords = (s: string): number[] =>
    s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16))
  const gap = text.indexOf('::')
  let words: number[]
  if (gap === -1) {
    words = toWords(text)
  } else {
    const head = toWords(text.slice(0, gap))
    const rest = toWords(text.slice(gap + 2))
    const fill = new Array<number>(8 - head.length - rest.length).fill(0)
    words = [...head, ...fill, ...rest]
  }
  const bytes = new Uint8Array(16)
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8
    bytes[i * 2 + 1] = w & 0xff
  })
  return bytes
}

/** Returns null for anything that is not an IP literal (names, garbage, bracketed forms). */
export function parseIp (input: string): ParsedIp | null {
  const ip = stripZone(input.trim())
  const family = isIP(ip)
  if (family === 4) return { family: 4, bytes: parseIPv4Bytes(ip) }
  if (family === 6) return { family: 6, bytes: parseIPv6Bytes(ip.toLowerCase()) }
  return null
}

export function formatIPv4 (bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.')
}

/** Parses "10.0.0.0/8" or "fe80::/10"; a bare address means a single-host range. */
export function parseCidr (text: string): Cidr {
  const slash = text.indexOf('/')
  const addr = slash === -1 ? text : text.slice(0, slash)
  const parsed = parseIp(addr)
  if (!parsed || addr.includes('%')) throw new TypeError(`invalid CIDR range: ${text}`)
  const max = parsed.family === 4 ? 32 : 128
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1)
  const prefix = Number(prefixText)
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
    throw new TypeError(`invalid CIDR prefix length: ${text}`)
  }
  return { family: parsed.family, bytes: parsed.bytes, prefix, text }
}

export function cidrContains (cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false
  const fullBytes = cidr.prefix >> 3
  for (let i = 0; i < fullBytes; i++) {
    if (cidr.bytes[i] !== ip.bytes[i]) return false
  }
  const restBits = cidr.prefix & 7
  if (restBits === 0) return true
  const mask = (0xff << (8 - restBits)) & 0xff
  return ((cidr.bytes[fullBytes] ?? 0) & mask) === ((ip.bytes[fullBytes] ?? 0) & mask)
}
