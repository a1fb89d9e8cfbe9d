// One delivery as the admin API shows it, and its manual re-send, which queues it again. Only a
// webhook delivery can go again: a pull item is read again from the feed, and one a kill
// canceled would republish a withdrawn version.
import { ConflictError, NotFoundError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { Delivery, StoredAttempt, Storage } from '../storage/types.ts'

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
