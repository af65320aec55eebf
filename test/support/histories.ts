/**
 * Recorded workflow histories for replay tests. Set TTHC_RECORD_HISTORIES=1 when running the
 * lifecycle tests to (re)write test/fixtures/histories; the replay test then runs them against
 * the current workflow code, so a change that would break running dossiers fails CI.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ENCRYPTED_ENCODING } from '../../encryption/payload-codec.js';

export const historiesDir = new URL('../fixtures/histories/', import.meta.url).pathname;
export const recordingHistories = process.env.TTHC_RECORD_HISTORIES === '1';

export interface RecordedRun {
  /** The test that ran the workflow; names the fixture file. */
  name: string;
  workflowId: string;
}

export function fixtureName(testName: string, index: number): string {
  const slug = testName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${slug}-${index}.json`;
}

/**
 * Histories are written decrypted: the run's keyring and data keys are gone after it, while the
 * fixtures must replay for years (the replay worker decodes plaintext payloads unchanged).
 */
export async function writeHistories(
  client: Client,
  codec: PayloadCodec,
  runs: readonly RecordedRun[],
): Promise<void> {
  await mkdir(historiesDir, { recursive: true });
  const perTest = new Map<string, number>();
  for (const run of runs) {
    const index = (perTest.get(run.name) ?? 0) + 1;
    perTest.set(run.name, index);
    const history = await client.workflow.getHandle(run.workflowId).fetchHistory();
    const decoded = await decodePayloadsIn(JSON.parse(historyToJSON(history)), codec);
    await writeFile(
      join(historiesDir, fixtureName(run.name, index)),
      `${JSON.stringify(decoded, null, 2)}\n`,
    );
  }
}

export async function readHistories(): Promise<Array<{ workflowId: string; history: unknown }>> {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file,
      history: JSON.parse(await readFile(join(historiesDir, file), 'utf8')),
    })),
  );
}

const encryptedEncoding = Buffer.from(ENCRYPTED_ENCODING).toString('base64');

/** Every encrypted payload in a history's JSON form, decoded in place. */
async function decodePayloadsIn(node: unknown, codec: PayloadCodec): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map((item) => decodePayloadsIn(item, codec)));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  const metadata = record.metadata as Record<string, string> | undefined;
  if (metadata?.encoding === encryptedEncoding) {
    const [plain] = await codec.decode([payloadFromJson(record)]);
    return payloadToJson(plain as Payload);
  }
  const entries = await Promise.all(
    Object.entries(record).map(async ([key, value]) => [key, await decodePayloadsIn(value, codec)] as const),
  );
  return Object.fromEntries(entries);
}

function payloadFromJson(json: Record<string, unknown>): Payload {
  const metadata = Object.fromEntries(
    Object.entries(json.metadata as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  );
  return { metadata, data: Buffer.from((json.data as string | undefined) ?? '', 'base64') };
}

function payloadToJson(payload: Payload): Record<string, unknown> {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v as Uint8Array).toString('base64'),
    ]),
  );
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
