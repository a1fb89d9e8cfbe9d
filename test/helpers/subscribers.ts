// A subscriber row as storage tests write it straight into a backend: a push partner on loopback
// taking NewsML-G2 in English unless `extra` says otherwise (a pull one has no url).
import type { SubscriberWithSecret } from '../../src/storage/types.ts'

export function storedSubscriber (id: string, createdAt: string, extra: Partial<SubscriberWithSecret> = {}): SubscriberWithSecret {
  const mode = extra.mode ?? 'push'
  return {
    id,
    name: id,
    mode,
    url: mode === 'push' ? `http://127.0.0.1/${id}` : null,
    format: 'newsml-g2',
    languages: ['en'],
    filters: {},
    active: true,
    disabledReason: null,
    createdAt,
    updatedAt: createdAt,
    secret: `secret-${id}`,
    ...extra
  } as SubscriberWithSecret
}
