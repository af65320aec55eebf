/**
 * The baseline for the lifecycle benchmark: a workflow that makes the same kinds and number of
 * activity calls and accepts the same number of updates as a dossier, with trivial bodies. Like a
 * dossier on the happy path, it runs 2 activities through the server (digitizing, issuing the
 * result) and the rest as local activities (rules, events and notifications).
 */
import {
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';

export interface BareActivities {
  noop(input: { n: number }): Promise<number>;
}

export interface BareWorkflowInput {
  updates: number;
  /** Local activities per update. */
  localPerUpdate: number;
  /** Before the first update: activities through the server, then local ones. */
  initialRemote: number;
  initialLocal: number;
  /** The update (0-based) that also runs one activity through the server. */
  remoteOnUpdate: number;
}

const remote = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export const bareUpdate = defineUpdate<number, [number]>('bareUpdate');

export async function bareWorkflow(input: BareWorkflowInput): Promise<number> {
  let received = 0;
  let calls = 0;
  setHandler(bareUpdate, async (n) => {
    if (n === input.remoteOnUpdate) calls += await remote.noop({ n });
    for (let i = 0; i < input.localPerUpdate; i++) calls += await local.noop({ n });
    received++;
    return received;
  });
  for (let i = 0; i < input.initialRemote; i++) calls += await remote.noop({ n: i });
  for (let i = 0; i < input.initialLocal; i++) calls += await local.noop({ n: i });
  await condition(() => received >= input.updates);
  return calls;
}
