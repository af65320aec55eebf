/**
 * A discrete-event scheduler over a Temporal time-skipping server: actions are queued at simulated
 * instants; the scheduler skips the server's clock to the next instant and runs every action due
 * then, a bounded number at a time. Workflow timers (apology checks, overdue flags) fire on the
 * way, as they would in real time.
 */

/** The simulated clock: one time-skipping server, or several kept in step (simulate.ts). */
export interface SimulatedClock {
  currentTimeMs(): Promise<number>;
  /** Lets the simulated time run `ms` forward; timers due on the way fire. */
  sleep(ms: number): Promise<void>;
}

/** The clocks of several time-skipping servers moved in step; "now" is the first server's. */
export class ClocksInStep implements SimulatedClock {
  constructor(private readonly clocks: SimulatedClock[]) {
    if (clocks.length === 0) throw new Error('at least one clock is needed');
  }

  currentTimeMs(): Promise<number> {
    return (this.clocks[0] as SimulatedClock).currentTimeMs();
  }

  async sleep(ms: number): Promise<void> {
    const target = (await this.currentTimeMs()) + ms;
    await Promise.all(
      this.clocks.map(async (clock) => {
        const now = await clock.currentTimeMs();
        if (target > now) await clock.sleep(target - now);
      }),
    );
  }
}

/** An action receives the simulated instant it was scheduled for. */
type Action = (now: number) => Promise<void>;

/** A binary min-heap of instants. */
class InstantHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as number) <= value) break;
      items[i] = items[parent] as number;
      items[parent] = value;
      i = parent;
    }
  }

  peek(): number | undefined {
    return this.items[0];
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && (items[left] as number) < (items[smallest] as number)) smallest = left;
      if (right < items.length && (items[right] as number) < (items[smallest] as number)) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest] as number, items[i] as number];
      i = smallest;
    }
    return top;
  }
}

export interface SchedulerOptions {
  /** Actions in flight at once. */
  concurrency: number;
  /** Actions are grouped into slots of this length, so that many run at once. */
  resolutionMs: number;
  onError: (error: unknown) => void;
  /** Called when the actions of one slot have run this long in real time (and again each time after). */
  stallAfterMs?: number;
  onStall?: (instant: number, elapsedMs: number) => void;
}

export class Scheduler {
  private readonly queue = new Map<number, Action[]>();
  private readonly instants = new InstantHeap();
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly options: SchedulerOptions,
  ) {}

  /** Queues an action at an instant, rounded up to the scheduler's resolution. */
  at(instant: number, action: Action): void {
    const resolution = this.options.resolutionMs;
    const time = Math.ceil(instant / resolution) * resolution;
    const list = this.queue.get(time);
    if (list) list.push(action);
    else {
      this.queue.set(time, [action]);
      this.instants.push(time);
    }
  }

  /** Starts no further action; `run` returns once the actions in flight have ended. */
  stop(): void {
    this.stopped = true;
  }

  get failed(): number {
    return this.failures;
  }

  /** Runs every queued action (and those they queue) up to `until`; calls `onTick` between instants. */
  async run(until: number, onTick: (now: number) => void = () => undefined): Promise<void> {
    while (!this.stopped) {
      const next = this.instants.peek();
      if (next === undefined || next > until) break;
      this.instants.pop();
      const actions = this.queue.get(next) ?? [];
      this.queue.delete(next);
      const now = await this.clock.currentTimeMs();
      if (next > now) await this.clock.sleep(next - now);
      await this.watched(next, () => this.runAll(actions, next));
      onTick(next);
    }
    if (this.stopped) return;
    const now = await this.clock.currentTimeMs();
    if (until > now) await this.clock.sleep(until - now);
  }

  private async watched(instant: number, work: () => Promise<void>): Promise<void> {
    const { stallAfterMs, onStall } = this.options;
    if (!stallAfterMs || !onStall) return work();
    const started = Date.now();
    const timer = setInterval(() => onStall(instant, Date.now() - started), stallAfterMs);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async runAll(actions: Action[], now: number): Promise<void> {
    let index = 0;
    const lane = async () => {
      while (!this.stopped && index < actions.length) {
        const action = actions[index++];
        try {
          await action?.(now);
        } catch (error) {
          this.failures++;
          this.options.onError(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, actions.length) }, lane));
  }
}
