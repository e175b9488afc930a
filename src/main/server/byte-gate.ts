// A budget of bytes held at once, handed out first come first served: the web transport holds an
// API call's body from its first byte to its answer under it, so that large bodies sent together
// (each up to MAX_API_BODY_BYTES) wait their turn instead of all being held, decoded and answered
// at once (six 63 MB bodies had reached 3.35 GB).

/** Hands out at most `budget` bytes at once; a take that does not fit waits for earlier ones. */
export class ByteGate {
  private held = 0;
  private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];

  constructor(readonly budget: number) {}

  /** Bytes handed out now. */
  get inUse(): number {
    return this.held;
  }

  /**
   * Resolves once `bytes` (capped at the budget, so any take can be granted) are handed out;
   * resolves to the function that gives them back (a second call does nothing). Takes are granted
   * in the order they were asked for: a small one does not pass a large one waiting before it.
   */
  async take(bytes: number): Promise<() => void> {
    const amount = Math.max(0, Math.min(bytes, this.budget));
    if (this.waiting.length === 0 && this.held + amount <= this.budget) this.held += amount;
    else await new Promise<void>((grant) => this.waiting.push({ bytes: amount, grant }));
    let isGiven = false;
    return () => {
      if (isGiven) return;
      isGiven = true;
      this.held -= amount;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.held + this.waiting[0].bytes <= this.budget) {
      const next = this.waiting.shift()!;
      this.held += next.bytes;
      next.grant();
    }
  }
}
