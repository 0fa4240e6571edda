/** DSP_GATEWAY_REJECTION_HOLD_MS: long enough that a client retrying at once makes a few requests a second, not thousands. */
export const DEFAULT_REJECTION_HOLD_MS = 250;

/**
 * Holds a refusal for a moment before it is sent (a tarpit), with one timer for all of them.
 *
 * Why: a client that retries at once (load generators, many device SDKs: they ignore
 * Retry-After) answered in a millisecond comes straight back, so refusing a spinning
 * repository fast turns its ~20 requests per second per connection into thousands of 503s per
 * second, which cost the node's main thread (and the machine) more than the spinning script it
 * refuses. Held for `holdMs`, a refused request costs a socket and a closure instead; past
 * `maxHeld` refusals waiting, the rest are sent at once, so memory stays bounded.
 *
 * O(1) per refusal: every refusal is held for the same time, so the queue is in release order.
 */
export class RejectionHold {
  private readonly queue: { releaseAt: number; send: () => void }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly holdMs: number,
    private readonly maxHeld = 10_000,
  ) {}

  /** Calls `send` once the refusal has been held for `holdMs` (now, when holding is off or full). */
  hold(send: () => void, now = performance.now()): void {
    if (this.holdMs <= 0 || this.held >= this.maxHeld) {
      send();
      return;
    }
    this.queue.push({ releaseAt: now + this.holdMs, send });
    if (this.timer === undefined) this.schedule(now);
  }

  get held(): number {
    return this.queue.length - this.head;
  }

  /** Sends every held refusal now (when the server closes). */
  releaseAll(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.release(Number.POSITIVE_INFINITY);
  }

  private release(now: number): void {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head];
      if (next === undefined || next.releaseAt > now) break;
      this.head += 1;
      next.send();
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private schedule(now: number): void {
    const next = this.queue[this.head];
    if (next === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const at = performance.now();
      this.release(at);
      this.schedule(at);
    }, Math.max(0, next.releaseAt - now));
  }
}
