/** The client calls a simulation is waiting for, so that a stuck slot can name them. */
export class CallsInFlight {
  /** Call id → label and real start time. */
  private readonly calls = new Map<number, { label: string; since: number }>();
  private nextId = 0;

  /** Runs a client call, registered as in flight while it runs. */
  async call<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const id = this.nextId++;
    this.calls.set(id, { label, since: Date.now() });
    try {
      return await fn();
    } finally {
      this.calls.delete(id);
    }
  }

  /** A progress line naming the oldest calls a slot that has run `elapsedMs` is still waiting for. */
  stallReport(instant: number, elapsedMs: number): string {
    const oldest = [...this.calls.values()].sort((a, b) => a.since - b.since).slice(0, 5);
    return `slot ${new Date(instant).toISOString()} has run ${Math.round(elapsedMs / 1000)} s; waiting for ${this.calls.size} call(s): ${oldest.map((c) => c.label).join(', ')}\n`;
  }
}
