// One delivery as the admin API shows it, and its manual re-send, which queues it again. Only a
// webhook delivery can go again: a pull item is read again from the feed, and one a kill
// canceled would republish a withdrawn version.
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { DeliveryStatus } from '../../schemas/subscribers.ts'
import type { Delivery, DeliveryListPlace, StoredAttempt, Storage } from '../storage/types.ts'

async function existing (storage: Storage, id: string): Promise<Delivery> {
  const delivery = await storage.getDelivery(id)
  if (delivery === null) throw new NotFoundError('Delivery', `No delivery has the id ${id}.`)
  return delivery
}

/** GET /v1/deliveries/:id: the delivery with every attempt made. */
export async function deliveryRecord (storage: Storage, id: string): Promise<Delivery & { attemptLog: StoredAttempt[] }> {
  const delivery = await existing(storage, id)
  return { ...delivery, attemptLog: await storage.listAttempts(delivery.id) }
}

/** POST /v1/deliveries/:id/retry: queued again now, and the delivery loop told. */
export async function retryDelivery (storage: Storage, pipeline: WorkSignal, id: string, now: Date): Promise<Delivery> {
  const delivery = await existing(storage, id)
  if (delivery.status === 'feed') {
    throw new ConflictError('pull-delivery', 'This item waits in a pull feed; the partner reads it again with GET /v1/feed.')
  }
  if (delivery.status === 'canceled') {
    throw new ConflictError('delivery-canceled',
      'A kill of the story superseded this delivery; re-sending it would republish a withdrawn version.')
  }
  const retried = await storage.retryDelivery(delivery.id, now.toISOString())
  pipeline.wake()
  return retried!
}

export interface DeliveryPageQuery {
  status?: DeliveryStatus
  after?: number
  cursor?: string
  limit: number
}

// A cursor names the last row of a page, opaque to clients: `s:<sequence>` for a numbered row,
// `q:<priority>:<position>` for a queued one.
const CURSOR = /^(?:s:(\d{1,16})|q:(\d{1,3}):(\d{1,16}))$/

function decodeCursor (cursor: string): DeliveryListPlace {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (match === null) throw new InvalidInputError('/querystring/cursor', 'is not a cursor this API returned (pass nextCursor of the previous page as it is)')
  return match[1] !== undefined ? { sequence: Number(match[1]) } : { priority: Number(match[2]), position: Number(match[3]) }
}

const encodeCursor = (last: Delivery): string =>
  Buffer.from(last.sequence !== null ? `s:${last.sequence}` : `q:${last.priority}:${last.position}`).toString('base64url')

/**
 * GET /v1/subscribers/:id/deliveries: numbered rows by sequence, then queued ones in queue order,
 * and the cursor of the next page (null when this one is not full).
 */
export async function deliveryPage (storage: Storage, subscriberId: string, query: DeliveryPageQuery): Promise<{ deliveries: Delivery[]; nextCursor: string | null }> {
  if (query.after !== undefined && query.cursor !== undefined) {
    throw new InvalidInputError('/querystring/cursor', 'cannot be combined with after: pass one or the other')
  }
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : query.after !== undefined ? { sequence: query.after } : undefined
  const deliveries = await storage.listDeliveries(subscriberId, {
    limit: query.limit,
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(after === undefined ? {} : { after })
  })
  const last = deliveries.at(-1)
  return { deliveries, nextCursor: deliveries.length === query.limit && last !== undefined ? encodeCursor(last) : null }
}
