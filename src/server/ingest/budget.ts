/**
 * The in-flight budget: bytes and events held between reading a request and the commit that
 * acknowledges it. When a request would exceed it, the server answers 429 + Retry-After instead
 * of queueing: memory stays bounded however fast senders are (issue 2, "Backpressure").
 */
export interface InflightBudget {
  /** Reserve; false (nothing reserved) when it would exceed the limits. */
  tryReserve(bytes: number, events: number): boolean;
  release(bytes: number, events: number): void;
  readonly bytes: number;
  readonly events: number;
}

export function createInflightBudget(limits: {
  maxBytes: number;
  maxEvents: number;
}): InflightBudget {
  let bytes = 0;
  let events = 0;
  return {
    tryReserve(b, e) {
      // One request is always admitted when nothing is in flight, so a single large-but-legal
      // request can never be refused forever.
      if (
        (bytes > 0 || events > 0) &&
        (bytes + b > limits.maxBytes || events + e > limits.maxEvents)
      )
        return false;
      bytes += b;
      events += e;
      return true;
    },
    release(b, e) {
      bytes -= b;
      events -= e;
    },
    get bytes() {
      return bytes;
    },
    get events() {
      return events;
    },
  };
}
