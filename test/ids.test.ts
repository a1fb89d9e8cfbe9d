import { test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../src/ids.ts'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

test('ids are UUIDv7: the version and variant bits, and the time in the first 48 bits', () => {
  const at = Date.UTC(2026, 11, 3, 16, 0, 0, 123)
  const id = newId(at + 1_000_000)
  assert.match(id, V7)
  assert.equal(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at + 1_000_000)
})

test('ids made one after another sort in the order they were made, even within a millisecond', () => {
  const ids = Array.from({ length: 20_000 }, () => newId())
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`)
  assert.equal(new Set(ids).size, ids.length)
})

test('more than 4,096 ids in one millisecond borrow the next millisecond rather than break the order', () => {
  const ms = Date.now() + 10_000_000
  const ids = Array.from({ length: 5_000 }, () => newId(ms))
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!)
  const times = new Set(ids.map((id) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)))
  assert.ok(times.has(ms) && times.has(ms + 1), [...times].join(','))
  // A clock that steps back does not step the ids back.
  assert.ok(newId(ms - 5_000) > ids.at(-1)!)
})

test('the random part differs between ids of one millisecond', () => {
  const ms = Date.now() + 20_000_000
  const tails = new Set(Array.from({ length: 1_000 }, () => newId(ms).slice(19)))
  assert.equal(tails.size, 1_000)
})
