/**
 * The baseline for the lifecycle benchmark: a workflow that makes the same number of activity
 * calls and accepts the same number of updates as a dossier, with trivial bodies.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  noop(input: { n: number }): Promise<number>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export const bareUpdate = defineUpdate<number, [number]>('bareUpdate');

export async function bareWorkflow(input: {
  updates: number;
  activitiesPerUpdate: number;
  initialActivities: number;
}): Promise<number> {
  let received = 0;
  let calls = 0;
  setHandler(bareUpdate, async (n) => {
    for (let i = 0; i < input.activitiesPerUpdate; i++) calls += await noop({ n });
    received++;
    return received;
  });
  for (let i = 0; i < input.initialActivities; i++) calls += await noop({ n: i });
  await condition(() => received >= input.updates);
  return calls;
}
