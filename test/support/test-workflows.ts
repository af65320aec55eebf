/** Minimal workflows used only to check the test harness itself. */
import { ApplicationFailure, sleep, workflowInfo } from '@temporalio/workflow';

export async function sleepForDays(days: number): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = Date.now();
  await sleep(`${days} days`);
  return { startedAt, endedAt: Date.now() };
}

export async function echo(text: string): Promise<string> {
  return `${workflowInfo().workflowType}:${text}`;
}

/** Busy for `rounds` of arithmetic in one activation (a stand-in for workflow code stuck in a loop). */
export async function spin(rounds: number): Promise<number> {
  let x = 1;
  for (let i = 0; i < rounds; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

/** Fails at once, for the source positions in its failure's stack trace. */
export async function failAtOnce(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message);
}
