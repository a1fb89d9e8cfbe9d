// Standard Webhooks signing (https://www.standardwebhooks.com): partners verify with any
// conforming library, so the exact byte layout below is the contract, not an implementation detail.
import { boundedMemo } from '../bounded-memo.ts'
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'
// The spec allows 24–64 key bytes; we generate 32 and accept the whole allowed range so
// secrets created elsewhere (or rotated in by hand) keep working.
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
// Header values must not smuggle separators or line breaks into the request.
const HEADER_SAFE_ID = /^[\x21-\x7e]+$/

export type WebhookBody = string | Uint8Array

export type SignInput = {
  secret: string
  id: string
  /** Unix time in whole seconds, exactly as sent in `webhook-timestamp`. */
  timestamp: number
  /** The exact payload that goes on the wire; strings are signed as their UTF-8 bytes. */
  body: WebhookBody
}

export type WebhookHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

export function generateSecret (): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

/** Decodes a `whsec_` secret into HMAC key bytes, refusing anything malformed. */
function secretKey (secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new TypeError(`webhook secret must start with ${SECRET_PREFIX}`)
  }
  const encoded = secret.slice(SECRET_PREFIX.length)
  // Buffer.from(…, 'base64') silently skips junk, so validate strictly first.
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    throw new TypeError('webhook secret is not valid base64 after whsec_')
  }
  const key = Buffer.from(encoded, 'base64')
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new TypeError(`webhook secret must decode to ${MIN_KEY_BYTES}–${MAX_KEY_BYTES} bytes`)
  }
  return key
}

function checkIdAndTimestamp (id: string, timestamp: number): void {
  if (!HEADER_SAFE_ID.test(id)) {
    throw new TypeError('webhook id must be non-empty printable ASCII without spaces')
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('webhook timestamp must be whole Unix seconds')
  }
}

// Decoding and validating a secret, and wrapping it as a KeyObject, costs more than the HMAC
// of a small body; a fan-out signs with the same few secrets over and over. A bounded memo of
// derived keys (not state: the same input always gives the same key).
const KEY_CACHE_LIMIT = 1024
const hmacKey: (secret: string) => KeyObject = boundedMemo(KEY_CACHE_LIMIT, (secret) => createSecretKey(secretKey(secret)))

export function sign ({ secret, id, timestamp, body }: SignInput): string {
  checkIdAndTimestamp(id, timestamp)
  const hmac = createHmac('sha256', hmacKey(secret))
  hmac.update(`${id}.${timestamp}.`, 'utf8')
  // A string is hashed as its UTF-8 bytes, exactly what goes on the wire; bytes as they are.
  if (typeof body === 'string') hmac.update(body, 'utf8')
  else hmac.update(body)
  return `v1,${hmac.digest('base64')}`
}

/** One signature per secret, so receivers accept the message during a secret rotation. */
export function signatureHeader (
  secrets: string[],
  id: string,
  timestamp: number,
  body: WebhookBody
): string {
  if (secrets.length === 0) throw new TypeError('at least one webhook secret is required')
  return secrets.map((secret) => sign({ secret, id, timestamp, body })).join(' ')
}

export function webhookHeaders (input: {
  id: string
  timestamp: number
  body: WebhookBody
  secrets: string[]
}): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatureHeader(input.secrets, input.id, input.timestamp, input.body),
  }
}
