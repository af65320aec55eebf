/** What happened during a simulation, counted by name (received, returned, rejected:<code>, …). */
export class SimulationTotals {
  private readonly counts: Record<string, number> = {};

  count(what: string, by = 1): void {
    this.counts[what] = (this.counts[what] ?? 0) + by;
  }

  of(what: string): number {
    return this.counts[what] ?? 0;
  }

  /** Every count, by name in order. */
  sorted(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.counts).sort());
  }
}
