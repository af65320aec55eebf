/**
 * `tthc indicators export` end to end: a dossier and a feedback on the time-skipping server, the
 * indicators rebuilt from the shared stream, then the export read through the HTTP API (listening
 * on a real port) and the read model. The clock is moved to a month no other test file uses, so
 * the export holds only what this file made (the NATS server is shared).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSecret, issueToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { FeedbackClient } from '../../client/feedback-client.js';
import { atCivilTime } from '../../domain/time.js';
import { createLogger } from '../../infra/logging.js';
import { projectRoot } from '../../infra/tools.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();
const province = '000.00.00.H99';
const committee = '000.00.43.H99';
const oneStop = '000.01.43.H99';
const otherCommune = '000.00.41.H99';
/** A month past every other test file's clock (they skip weeks at most from today). */
const period = '2027-07';
const subtree = [committee, ...organisation.descendants(committee).map((unit) => unit.code)].sort();

let system: DossierTestSystem;
let app: FastifyInstance;
let apiUrl: string;
let workDir: string;
let dossierCode: string;
let feedbackId: string;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  const feedback = await FeedbackClient.open(system.temporal, system.nc);
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    feedback,
    nc: system.nc,
    accessLog: await AccessLog.open(system.nc),
    documents: system.documents,
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  workDir = await mkdtemp(join(tmpdir(), 'tthc-cli-export-'));

  const env = system.env;
  if (!env) throw new Error('the time-skipping server is needed');
  await env.sleep(atCivilTime('2027-07-06', '09:00') - (await env.currentTimeMs()));
  const scan = await system.documents.put(new TextEncoder().encode(`export ${Date.now()}`), {
    mediaType: 'application/pdf',
    name: 'ban-chinh.pdf',
  });
  const outcome = await system.client.receive({
    application: {
      requestId: `cli-export-${Date.now()}`,
      procedureCode: '2.000815',
      applicant: { type: 'citizen', fullName: 'Lê Văn Cường', idNumber: '051099912346' },
      channel: 'counter',
      receivingUnit: oneStop,
      competentAgency: committee,
      documents: [{ kind: 'ban-chinh', form: 'paper', fileRef: scan.ref }],
    },
  });
  expect(outcome.outcome).toBe('accepted');
  dossierCode = outcome.code;
  const receipt = await feedback.submit({
    feedback: {
      requestId: `cli-export-pakn-${Date.now()}`,
      submitter: { type: 'citizen', fullName: 'Võ Thị Hoa', idNumber: '051092012345', phone: '0905111222' },
      channel: 'online',
      receivingUnit: committee,
      content: 'Đề nghị niêm yết phí chứng thực tại bộ phận một cửa.',
    },
  });
  feedbackId = receipt.id;
  const rebuilt = await tthc(['indicators', 'rebuild', '--json']);
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function tthc(args: string[]): Promise<RunResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TTHC_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', ...args, '--nats', inject('natsUrl')],
      {
        cwd: projectRoot,
        env: { ...env, TTHC_API_URL: apiUrl, TTHC_INDICATOR_META_BUCKET: `cli_export_meta_${process.pid}` },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function token(role: 'supervisor' | 'counter-officer', unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: role, unit, role }, '1h')).token;
}

function exportArgs(file: string, unit = committee): string[] {
  return ['indicators', 'export', '--unit', unit, '--period', period, '--export', file];
}

async function readLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('tthc indicators export', () => {
  it('writes the dossiers, the feedback and the scoreboards of the subtree as JSON lines', async () => {
    const file = join(workDir, 'commune.jsonl');
    const done = await tthc([...exportArgs(file), '--token', await token('supervisor', province), '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ file, dossiers: 1, feedback: 1, scoreboards: subtree.length });
    expect(done.stderr).toContain('exporting dossiers: 1/1');

    const lines = await readLines(file);
    const boardKinds = subtree.map(() => 'scoreboard');
    expect(lines.map((line) => line.kind)).toEqual(['dossier', 'feedback', ...boardKinds]);
    const [dossier, feedback] = lines;
    expect(dossier).toMatchObject({ kind: 'dossier', code: dossierCode });
    const view = (dossier as { view: Record<string, unknown> }).view;
    expect(view).not.toHaveProperty('actions');
    expect(view.state).toEqual(JSON.parse(JSON.stringify((await system.client.get(dossierCode)).state)));
    expect(feedback).toMatchObject({ kind: 'feedback', id: feedbackId, view: { state: { id: feedbackId } } });

    const boards = lines.slice(2) as Array<{ unit: string; period: string; scoreboard: unknown }>;
    expect(boards.map((b) => b.unit)).toEqual(subtree);
    const shown = await tthc(['indicators', '--unit', committee, '--period', period, '--json']);
    expect(boards.find((b) => b.unit === committee)).toEqual({
      kind: 'scoreboard',
      unit: committee,
      period,
      scoreboard: JSON.parse(shown.stdout),
    });
  });

  it('reads the views with the token’s authorization, and names what it could not read', async () => {
    const file = join(workDir, 'refused.jsonl');
    const refused = await tthc([...exportArgs(file), '--token', await token('supervisor', otherCommune)]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`tthc: dossier ${dossierCode}: `);
    expect(refused.stderr).toContain('HTTP 403');
  });

  it('refuses a path it cannot write before reading anything', async () => {
    const file = join(workDir, 'no-such-dir', 'x.jsonl');
    const failed = await tthc([...exportArgs(file), '--token', await token('supervisor', province)]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(`tthc: --export "${file}" cannot be written (ENOENT)\n`);
  });
});
