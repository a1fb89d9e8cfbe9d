// The one bounded memo: a value made once per key and kept, up to `limit` keys, the oldest
// dropped first. For values that never change once made (derived HMAC keys, a document's bytes,
// a stored document), where a miss only costs making the value again.

export function boundedMemo<K, V> (limit: number, make: (key: K) => V): (key: K) => V {
  const kept = new Map<K, V>()
  return (key) => {
    let value = kept.get(key)
    if (value === undefined) {
      value = make(key)
      if (kept.size >= limit) kept.delete(kept.keys().next().value!)
      kept.set(key, value)
    }
    return value
  }
}
