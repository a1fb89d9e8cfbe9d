// The stack of open inline tags, for code that walks markup and must stay linear in its input
// whatever the nesting: finding the innermost open tag of a name is O(1) (one list of stack
// positions per tag name) instead of a scan of the whole stack, and closing pops each entry once.
// A `<b>`×100000 paragraph is then 200,000 cheap steps, not 10^10.

export interface Frame<T> {
  tag: string
  item: T
}

export class TagStack<T> {
  readonly frames: Array<Frame<T>> = []
  readonly #positions = new Map<string, number[]>()

  get depth (): number {
    return this.frames.length
  }

  push (tag: string, item: T): void {
    let list = this.#positions.get(tag)
    if (list === undefined) {
      list = []
      this.#positions.set(tag, list)
    }
    list.push(this.frames.length)
    this.frames.push({ tag, item })
  }

  /** Position of the innermost open `tag`, or -1. */
  lastIndexOf (tag: string): number {
    const list = this.#positions.get(tag)
    return list === undefined || list.length === 0 ? -1 : list[list.length - 1]!
  }

  /** Pops every frame at `length` and above (each popped frame is the last of its tag's list). */
  truncate (length: number): void {
    while (this.frames.length > length) {
      const frame = this.frames.pop()!
      this.#positions.get(frame.tag)!.pop()
    }
  }

  /** A copy to continue from (O(depth)). */
  clone (): TagStack<T> {
    const copy = new TagStack<T>()
    for (const frame of this.frames) copy.push(frame.tag, frame.item)
    return copy
  }
}
