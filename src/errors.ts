// What the domain throws when an action cannot be done as asked, in the domain's own terms: no
// HTTP status, no problem type. The API's one error handler (http/domain-problems.ts) turns each
// into its RFC 9457 problem; a script or CLI calling the same functions reads the same errors.
// Storage outages (storage/unavailable.ts) and unrenderable documents (formats/xml.ts) have their
// own classes beside the code that detects them, and are mapped there too.

/** Something named by id does not exist. */
export class NotFoundError extends Error {
  /** What was looked for, as a title word: "Article", "Article version", "Subscriber". */
  readonly what: string
  /** What does exist instead, so the caller can correct the request ({ versions: [1, 2] }). */
  readonly existing: Record<string, unknown>

  constructor (what: string, detail: string, existing: Record<string, unknown> = {}) {
    super(detail)
    this.name = 'NotFoundError'
    this.what = what
    this.existing = existing
  }
}

/**
 * One input field is wrong in a way its schema cannot say (empty once trimmed, an unknown
 * language, a rule between fields). `field` is a JSON Pointer to it as the API receives it
 * ("/body/headline", "/querystring/cursor"), so the answer names it like schema errors do.
 */
export class InvalidInputError extends Error {
  readonly field: string
  readonly reason: string

  constructor (field: string, reason: string) {
    super(`${field}: ${reason}`)
    this.name = 'InvalidInputError'
    this.field = field
    this.reason = reason
  }
}

/** Like InvalidInputError, for a story whose text Nashra cannot translate: not the language it claims. */
export class UnsupportedSourceError extends InvalidInputError {
  constructor (field: string, reason: string) {
    super(field, reason)
    this.name = 'UnsupportedSourceError'
  }
}

/** Why an action conflicts with what is stored. */
export type ConflictKind =
  /** A new version of a story that was killed: a kill is final. */
  | 'story-killed'
  /** Retry of a story whose latest version has not failed. */
  | 'not-failed'
  /** Re-send of an item that waits in a pull feed. */
  | 'pull-delivery'
  /** Re-send of a delivery a kill superseded. */
  | 'delivery-canceled'
  /** Revoking the only admin key left. */
  | 'last-admin-key'

/** The action is valid but the stored state forbids it; `kind` says which rule. */
export class ConflictError extends Error {
  readonly kind: ConflictKind
  /** Facts about the state that forbade it ({ killedAt, killVersion }). */
  readonly facts: Record<string, unknown>

  constructor (kind: ConflictKind, detail: string, facts: Record<string, unknown> = {}) {
    super(detail)
    this.name = 'ConflictError'
    this.kind = kind
    this.facts = facts
  }
}
