/**
 * The Temporal Web UI, as `npm start` runs it (`--ui-codec-endpoint` at the API's `/codec`), in
 * Chromium: a supervisor who opened a codec session from the console's origin reads a dossier's
 * input decrypted; without the session the UI gets nothing decoded, and the decode is in the
 * access log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApiServer } from '../../api/api-process.js';
import { generateSecret, issueToken } from '../../api/auth.js';
import { AccessLog } from '../../audit/access-log.js';
import { DossierClient } from '../../client/dossier-client.js';
import { allSearchAttributeKeys } from '../../contract/search-attributes.js';
import type { PayloadProtection } from '../../encryption/data-converter.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { createLogger } from '../../infra/logging.js';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '../../infra/server-launchers.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { launchChromium } from '../support/chromium.js';
import { workflowBundle } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { testLogger } from '../support/test-logging.js';
import { connectNats, testPayloadProtection } from '../support/test-servers.js';

const secret = generateSecret();
const applicantName = 'Vũ Thị Giao Diện';
const cleanups: Array<() => Promise<unknown>> = [];
let temporal: TemporalDevServer;
let nc: NatsConnection;
let protection: PayloadProtection;
let api: RunningApi;
let browser: Browser;
let code: string;

beforeAll(async () => {
  try {
    nc = await connectNats('temporal-web-ui');
    cleanups.push(() => nc.drain());
    protection = await testPayloadProtection(nc);
    cleanups.push(async () => protection.close());
    const apiPort = await freePort();
    temporal = await startTemporalDevServer({
      uiPort: await freePort(),
      uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
      searchAttributes: allSearchAttributeKeys,
    });
    cleanups.push(() => temporal.stop());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: protection.dataConverter });
    const native = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => native.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-web-ui-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const workers: Worker[] = await createDossierWorkers({
      connection: native,
      nc,
      protection,
      dataDir,
      workflowBundle: await workflowBundle(),
      logger: testLogger('web-ui-worker'),
    });
    const runs = Promise.allSettled(workers.map((w) => w.run()));
    cleanups.push(async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await runs;
    });
    api = await startApiServer({
      temporal: client,
      nc,
      protection,
      logger: createLogger({ level: 'silent' }),
      codecOrigins: [temporal.uiUrl as string],
      temporalWebUi: temporal.uiUrl,
      // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
      devSharedSecretTokens: true,
      settings: { secret, port: apiPort, dataDir, organisation: 'demo' },
    });
    cleanups.push(() => api.close());
    const dossiers = new DossierClient(client, await DossierCodeAllocator.open(nc));
    ({ code } = await dossiers.receive({
      application: {
        requestId: `web-ui-${process.pid}-${Date.now()}`,
        procedureCode: '1.001612',
        applicant: { type: 'citizen', fullName: applicantName, idNumber: '079266612345' },
        channel: 'counter',
        receivingUnit: demoUnits.camThanhOneStop,
        competentAgency: demoUnits.camThanhCommittee,
        documents: [
          { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper' },
          { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' },
        ],
      },
    }));
    browser = await launchChromium();
    cleanups.push(() => browser.close());
  } catch (error) {
    await stopAll();
    throw error;
  }
});

afterAll(stopAll);

async function stopAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

/** A browser profile with the Web UI told to send credentials to the codec (its Codec Server setting). */
async function uiContext() {
  const context = await browser.newContext({ locale: 'vi-VN' });
  context.setDefaultTimeout(30_000);
  // What the UI's "Codec Server" dialog stores: this browser's endpoint, with credentials.
  const settings = {
    overrideRemoteCodecConfiguration: 'true',
    endpoint: JSON.stringify(`${api.url}/codec`),
    includeCredentials: 'true',
  };
  await context.addInitScript({
    content: Object.entries(settings)
      .map(([key, value]) => `localStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
      .join('\n'),
  });
  return context;
}

/** The page's text as rendered (what the official sees). */
function renderedText(page: import('playwright-core').Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, as seen
  return page.locator('body').innerText();
}

async function workflowPageText(page: import('playwright-core').Page): Promise<string> {
  await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(code)}`);
  await page.getByText(code).first().waitFor();
  return (await page.locator('body').textContent()) ?? '';
}

describe('the Temporal Web UI through the codec endpoint', () => {
  it('shows a supervisor with a codec session the decrypted input, and records the decode', async () => {
    const context = await uiContext();
    try {
      const page = await context.newPage();
      // The console's "Lịch sử xử lý trên Temporal Web UI" opens the session from the API's origin.
      const supervisor = (
        await issueToken(secret, {
          sub: 'giam-sat-tinh',
          name: 'Cán bộ giám sát',
          unit: '000.00.00.H99',
          role: 'supervisor',
        })
      ).token;
      await page.goto(`${api.url}/console/`);
      const opened = await page.evaluate(async (token) => {
        const response = await fetch('/v1/codec/session', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        return (await response.json()) as { webUi?: { url: string } };
      }, supervisor);
      expect(opened.webUi?.url).toBe(temporal.uiUrl);
      const log = await AccessLog.open(nc);
      const before = (await log.listForDossier(code)).length;

      await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(code)}`);
      await page.getByText(applicantName).first().waitFor({ timeout: 30_000 });
      const entries = await log.listForDossier(code);
      expect(entries.length).toBeGreaterThan(before);
      expect(entries.at(-1)).toMatchObject({ route: 'codec-decode', official: { id: 'giam-sat-tinh' } });
    } finally {
      await context.close();
    }
  });

  it('shows nothing decrypted without a codec session', async () => {
    const context = await uiContext();
    try {
      const page = await context.newPage();
      expect(await workflowPageText(page)).not.toContain(applicantName);
      // The UI tried the codec, was refused (401 without the session), and shows the input as it is
      // stored: ciphertext.
      await expect.poll(() => renderedText(page), { timeout: 30_000 }).toMatch(/Input\s*"[A-Za-z0-9+/]{40,}/);
      expect((await page.locator('body').textContent()) ?? '').not.toContain(applicantName);
    } finally {
      await context.close();
    }
  });
});
