/**
 * The baseline for the lifecycle benchmark: a workflow that makes the same kinds and number of
 * activity calls and accepts the same number of updates as a dossier, with trivial bodies. Like a
 * dossier on the happy path, it runs 2 activities through the server (digitizing, issuing the
 * result) and the rest as local activities (rules, events and notifications).
 *
 * With `visibilityWrites`, it also writes Temporal visibility in the same tasks as a dossier: a
 * patch marker in its first task (the SDK upserts `TemporalChangeVersion` for it), the status and
 * due date once its first activities are done (a dossier's acceptance), and the
 * status in the updates a dossier's status changes in (assignment, approval, return). Its first
 * update then also waits for the first activities, as a dossier's intake outcome waits for its
 * acceptance; otherwise an update could share a task with the acceptance's write.
 */
import {
  condition,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { searchAttributes } from '../contract/search-attributes.js';

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
  /** Write visibility in the tasks a dossier does: these updates (0-based) change the status. */
  visibilityWrites?: { statusOnUpdates: number[] };
}

/** The shape of a dossier on the bench's path: its activities, local activities and updates. */
export const dossierShape: BareWorkflowInput = {
  updates: 5,
  localPerUpdate: 1,
  initialRemote: 1,
  initialLocal: 6,
  remoteOnUpdate: 3,
};

/** A dossier's status changes in its updates 1, 3 and 4 (assignment, approval, return). */
export const dossierVisibilityWrites = { statusOnUpdates: [1, 3, 4] };

const remote = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export const bareUpdate = defineUpdate<number, [number]>('bareUpdate');

export async function bareWorkflow(input: BareWorkflowInput): Promise<number> {
  let received = 0;
  let calls = 0;
  // Not `calls += await …`: that reads `calls` before the await, and the update handlers run
  // beside the first activities.
  const call = async (activity: Promise<number>) => {
    const result = await activity;
    calls += result;
  };
  const writes = input.visibilityWrites;
  if (writes) patched('bare-visibility');
  let started = false;
  setHandler(bareUpdate, async (n) => {
    if (writes && n === 0) await condition(() => started);
    if (n === input.remoteOnUpdate) await call(remote.noop({ n }));
    for (let i = 0; i < input.localPerUpdate; i++) await call(local.noop({ n }));
    if (writes?.statusOnUpdates.includes(n))
      upsertSearchAttributes([{ key: searchAttributes.status, value: `BARE_${n}` }]);
    received++;
    return received;
  });
  for (let i = 0; i < input.initialRemote; i++) await call(remote.noop({ n: i }));
  for (let i = 0; i < input.initialLocal; i++) await call(local.noop({ n: i }));
  if (writes) {
    upsertSearchAttributes([
      { key: searchAttributes.status, value: 'BARE_ACCEPTED' },
      { key: searchAttributes.dueAt, value: new Date(Date.now() + 86_400_000) },
    ]);
  }
  started = true;
  await condition(() => received >= input.updates);
  return calls;
}
