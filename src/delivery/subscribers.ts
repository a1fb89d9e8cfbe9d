// Subscriber management: creation with a fresh signing secret, changes, secret rotation, replay,
// deletion, and the address guard applied at registration — the same guard refuses again at
// connect time, after DNS, so a name that later resolves inward is still stopped.
import { newId } from '../ids.ts'
import { isIP } from 'node:net'
import type { SubscriberInput, SubscriberPatch } from '../../schemas/subscribers.ts'
import { hostOf, isLocalhostName, lookupWithTimeout } from '../hosts.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { Storage, Subscriber, SubscriberWithSecret } from '../storage/types.ts'
import { type AddressPolicy, checkUrl } from './address-guard.ts'
import { isSupportedLanguage } from '../translation/languages.ts'
import { generateSecret } from './sign.ts'

const LOOKUP_TIMEOUT_MS = 5_000

const missing = (id: string): NotFoundError => new NotFoundError('Subscriber', `No subscriber has the id ${id}.`)

/** The subscriber, or NotFoundError. */
export async function getSubscriber (storage: Storage, id: string): Promise<Subscriber> {
  const subscriber = await storage.getSubscriber(id)
  if (subscriber === null) throw missing(id)
  return subscriber
}

/** Refuses a webhook URL whose host is, or resolves to, an address the policy forbids. */
export async function assertWebhookUrlAllowed (url: string, policy: AddressPolicy, field = '/body/url'): Promise<void> {
  const verdict = checkUrl(url, policy)
  if (!verdict.allowed) throw new InvalidInputError(field, verdict.reason ?? 'is not an allowed webhook address')
  const host = hostOf(url)
  if (isIP(host) !== 0 || isLocalhostName(host)) return
  let addresses: Array<{ address: string }>
  try {
    addresses = await lookupWithTimeout(host, LOOKUP_TIMEOUT_MS)
  } catch {
    // Not resolvable yet (a partner setting up): the connect-time guard still checks every send.
    return
  }
  for (const { address } of addresses) {
    const check = policy(address)
    if (!check.allowed) throw new InvalidInputError(field, `${host} resolves to ${address}, which is ${check.reason}`)
  }
}

/** Languages must be ones the translation engine knows, or items in them could never be made. */
function assertLanguages (languages: string[]): string[] {
  languages.forEach((lang, i) => {
    if (!isSupportedLanguage(lang)) throw new InvalidInputError(`/body/languages/${i}`, `"${lang}" is not a language Google Cloud Translation supports`)
  })
  return languages
}

function assertModeAndUrl (mode: Subscriber['mode'], url: string | null | undefined): void {
  if (mode === 'push' && (url === undefined || url === null)) throw new InvalidInputError('/body/url', 'is required for a push subscriber')
  if (mode === 'pull' && url !== undefined && url !== null) throw new InvalidInputError('/body/url', 'must be absent for a pull subscriber (it reads GET /v1/feed)')
}

export async function createSubscriber (storage: Storage, policy: AddressPolicy, input: SubscriberInput, now: Date): Promise<SubscriberWithSecret> {
  const mode = input.mode ?? 'push'
  assertModeAndUrl(mode, input.url)
  if (input.url !== undefined) await assertWebhookUrlAllowed(input.url, policy)
  const at = now.toISOString()
  const subscriber: SubscriberWithSecret = {
    id: newId(),
    name: input.name,
    mode,
    url: input.url ?? null,
    format: input.format ?? 'newsml-g2',
    ...(input.formatVersion === undefined ? {} : { formatVersion: input.formatVersion }),
    languages: assertLanguages(input.languages ?? ['en']),
    filters: input.filters ?? {},
    active: input.active ?? true,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
    secret: generateSecret()
  }
  await storage.createSubscriber(subscriber)
  return subscriber
}

export async function updateSubscriber (storage: Storage, policy: AddressPolicy, pipeline: WorkSignal, id: string, patch: SubscriberPatch, now: Date): Promise<Subscriber> {
  const current = await storage.getSubscriber(id)
  if (current === null) throw missing(id)
  const mode = patch.mode ?? current.mode
  // Switching to pull drops the endpoint; switching to push needs one.
  const url = patch.url !== undefined ? patch.url : mode === 'pull' ? null : current.url
  assertModeAndUrl(mode, url)
  if (patch.url !== undefined) await assertWebhookUrlAllowed(patch.url, policy)
  if (patch.languages !== undefined) assertLanguages(patch.languages)
  const updated = await storage.updateSubscriber(id, { ...patch, mode, url }, now.toISOString())
  if (updated === null) throw missing(id)
  if (updated.active) pipeline.wake() // re-enabled: its queue may move again
  return updated
}

export async function rotateSecret (storage: Storage, id: string, overlapMs: number, now: Date): Promise<{ secret: string; previousSecretValidUntil: string }> {
  const secret = generateSecret()
  const until = new Date(now.getTime() + overlapMs).toISOString()
  if (!await storage.rotateSecret(id, secret, until, now.toISOString())) throw missing(id)
  return { secret, previousSecretValidUntil: until }
}

/** Deleted at once: its queued deliveries are canceled and its feed keys revoked. */
export async function deleteSubscriber (storage: Storage, id: string, now: Date): Promise<void> {
  if (!await storage.deleteSubscriber(id, now.toISOString())) throw missing(id)
}

/** Queues again what the subscriber was sent (delivered or dead) since a time; how many. */
export async function replayDeliveries (storage: Storage, pipeline: WorkSignal, id: string, since: string, now: Date): Promise<number> {
  await getSubscriber(storage, id)
  const replayed = await storage.replayDeliveries(id, since, now.toISOString())
  pipeline.wake()
  return replayed
}
