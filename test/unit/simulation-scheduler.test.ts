/** The simulation's discrete-event scheduler, over a fake clock with the test environment's surface. */
import { describe, expect, it } from 'vitest';
import {
  ClocksInStep,
  Scheduler,
  type SchedulerOptions,
  type SimulatedClock,
} from '../../simulation/scheduler.js';

const minute = 60_000;

function fakeClock(start = 0) {
  let now = start;
  const env: SimulatedClock = {
    currentTimeMs: async () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  return { env, now: () => now };
}

function scheduler(env: SimulatedClock, options: Partial<SchedulerOptions> = {}) {
  return new Scheduler(env, {
    concurrency: 4,
    resolutionMs: 15 * minute,
    onError: () => undefined,
    ...options,
  });
}

describe('simulation scheduler', () => {
  it('runs actions at their slot (rounded up), in time order, including actions queued by actions', async () => {
    const clock = fakeClock();
    const s = scheduler(clock.env);
    const ran: Array<[string, number]> = [];
    s.at(40 * minute, async (now) => {
      ran.push(['b', now]);
      s.at(now + 5 * minute, async (later) => {
        ran.push(['c', later]);
      });
    });
    s.at(1 * minute, async (now) => {
      ran.push(['a', now]);
    });
    await s.run(120 * minute);
    expect(ran).toEqual([
      ['a', 15 * minute],
      ['b', 45 * minute],
      ['c', 60 * minute],
    ]);
    expect(clock.now()).toBe(120 * minute);
  });

  it('keeps at most `concurrency` actions of a slot in flight and counts failures', async () => {
    const clock = fakeClock();
    const errors: unknown[] = [];
    const s = scheduler(clock.env, { concurrency: 2, onError: (e) => errors.push(e) });
    let inFlight = 0;
    let peak = 0;
    for (let i = 0; i < 6; i++) {
      s.at(minute, async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await Promise.resolve();
        inFlight--;
        if (i === 3) throw new Error('rejected');
      });
    }
    await s.run(60 * minute);
    expect(peak).toBe(2);
    expect(s.failed).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('reports a slot whose actions run too long, naming the slot, and goes on when they finish', async () => {
    const clock = fakeClock();
    let release: () => void = () => undefined;
    const stalls: number[] = [];
    const s = scheduler(clock.env, {
      stallAfterMs: 10,
      onStall: (instant) => {
        stalls.push(instant);
        release();
      },
    });
    let finished = false;
    s.at(minute, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    await s.run(60 * minute);
    expect(stalls[0]).toBe(15 * minute);
    expect(finished).toBe(true);
  });
});

describe('stopping the scheduler (Ctrl-C)', () => {
  it('starts no further action, lets the ones in flight end, and run() returns', async () => {
    const clock = fakeClock();
    const s = scheduler(clock.env, { concurrency: 1 });
    const ran: string[] = [];
    s.at(minute, async () => {
      ran.push('first');
      s.stop();
      ran.push('first ended');
    });
    s.at(minute, async () => {
      ran.push('same slot');
    });
    s.at(30 * minute, async () => {
      ran.push('later slot');
    });
    await s.run(120 * minute);
    expect(ran).toEqual(['first', 'first ended']);
    expect(clock.now()).toBe(15 * minute);
  });
});

describe('clocks in step (one simulation over several time-skipping servers)', () => {
  it('moves every clock to the same instant, measured from the first, and never backwards', async () => {
    const first = fakeClock(100 * minute);
    const behind = fakeClock(90 * minute);
    const ahead = fakeClock(130 * minute);
    const clocks = new ClocksInStep([first.env, behind.env, ahead.env]);
    await clocks.sleep(20 * minute);
    expect([first.now(), behind.now(), ahead.now()]).toEqual([120 * minute, 120 * minute, 130 * minute]);
    expect(await clocks.currentTimeMs()).toBe(120 * minute);
  });

  it('drives the scheduler: the actions of a slot run once, with every clock at the slot', async () => {
    const servers = [fakeClock(), fakeClock(), fakeClock()];
    const s = scheduler(new ClocksInStep(servers.map((c) => c.env)));
    const seen: number[][] = [];
    s.at(20 * minute, async () => {
      seen.push(servers.map((c) => c.now()));
    });
    await s.run(60 * minute);
    expect(seen).toEqual([[30 * minute, 30 * minute, 30 * minute]]);
    expect(servers.map((c) => c.now())).toEqual([60 * minute, 60 * minute, 60 * minute]);
  });

  it('needs at least one clock', () => {
    expect(() => new ClocksInStep([])).toThrow(/at least one clock/);
  });
});
