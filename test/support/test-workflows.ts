/** Minimal workflows used only to check the test harness itself. */
import { sleep, workflowInfo } from '@temporalio/workflow';

export async function sleepForDays(days: number): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = Date.now();
  await sleep(`${days} days`);
  return { startedAt, endedAt: Date.now() };
}

export async function echo(text: string): Promise<string> {
  return `${workflowInfo().workflowType}:${text}`;
}
