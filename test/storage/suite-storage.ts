// One storage per contract suite, for every contract file: opened and migrated before the suite's
// tests, closed and cleaned up after them, on whichever backend the suite runs.
import { after, before } from 'node:test'
import type { Storage } from '../../src/storage/types.ts'

export type OpenStorage = () => Promise<{ storage: Storage; cleanup(): Promise<void> }>

/** Registers the suite's before/after hooks; returns a Storage that forwards to the one opened. */
export function suiteStorage (open: OpenStorage): Storage {
  let opened: { storage: Storage; cleanup(): Promise<void> } | undefined
  before(async () => {
    opened = await open()
    await opened.storage.migrate()
  })
  after(async () => {
    if (opened === undefined) return
    await opened.storage.close()
    await opened.cleanup()
  })
  return new Proxy({} as Storage, {
    get (_target, key) {
      if (opened === undefined) throw new Error('the suite storage is used before its before() hook ran')
      const value = (opened.storage as unknown as Record<PropertyKey, unknown>)[key]
      return typeof value === 'function' ? value.bind(opened.storage) : value
    }
  })
}
