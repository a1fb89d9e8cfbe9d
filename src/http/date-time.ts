// The one definition of a date-time Nashra accepts: RFC 3339 (section 5.6) with a time zone,
// strictly: no leap second (JavaScript dates and the IPTC schemas cannot carry second 60), offsets
// within ±23:59, and an instant, once in UTC, in the years 1970–9999. Anything earlier or later
// would be written into documents (NewsML-G2 `embargoed`, ninjs) that fail the IPTC schemas, as
// "+010000-…" or "0000-…". Every stored or rendered date-time is normalised to UTC first.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/

/** The earliest and latest instants accepted, in milliseconds since the epoch. */
const EARLIEST = Date.UTC(1970, 0, 1)
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** What the rule asks for, in words, for error messages. */
export const DATE_TIME_EXPECTED = 'an RFC 3339 date-time with a time zone, such as 2026-05-01T08:30:00Z or 2026-05-01T11:30:00+03:00, between the years 1970 and 9999'

function daysInMonth (year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Milliseconds since the epoch, or null when value is not a date-time Nashra accepts. */
export function parseDateTime (value: string): number | null {
  const m = RFC3339.exec(value)
  if (m === null) return null
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let offsetMinutes = 0
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10])
    const offsetMins = Number(m[11])
    if (offsetHours > 23 || offsetMins > 59) return null
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000)
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000
  // Date.UTC maps years 0–99 to 1900–1999; the range check below refuses them either way.
  if (year < 1000 || instant < EARLIEST || instant > LATEST) return null
  return instant
}

export function isDateTime (value: string): boolean {
  return parseDateTime(value) !== null
}

/** The value as a UTC ISO 8601 string (`2026-05-01T08:30:00.000Z`); throws on anything not accepted. */
export function toUtcDateTime (value: string): string {
  const instant = parseDateTime(value)
  if (instant === null) throw new RangeError(`not an accepted date-time: ${JSON.stringify(value)}`)
  return new Date(instant).toISOString()
}
