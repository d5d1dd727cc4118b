/**
 * Items in order of last use (oldest at `head`), linked through their own `prev`/`next` fields:
 * moving an item to the recent end costs no hashing, unlike a Map delete + set per use. Used by
 * correlation groups and alert episodes, both bounded by evicting from the head.
 */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

export class RecencyList<T extends Linked<T>> {
  head: T | undefined;
  tail: T | undefined;

  unlink(x: T): void {
    if (x.prev) x.prev.next = x.next;
    else this.head = x.next;
    if (x.next) x.next.prev = x.prev;
    else this.tail = x.prev;
    x.prev = undefined;
    x.next = undefined;
  }

  append(x: T): void {
    x.prev = this.tail;
    x.next = undefined;
    if (this.tail) this.tail.next = x;
    else this.head = x;
    this.tail = x;
  }

  /** Move `x` (already in the list) to the recent end. */
  touch(x: T): void {
    if (x === this.tail) return;
    this.unlink(x);
    this.append(x);
  }
}
