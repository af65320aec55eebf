/**
 * The whole system for the console's browser tests: the workers on the shared Temporal dev server
 * in a namespace of their own (the worklist and the feedback list need visibility), the indicator
 * aggregator with a meta bucket of its own, the embedded identity provider with the demo officials,
 * the API with the console on a free port, and Debian's Chromium (playwright-core). Everything is
 * stopped by `stop()`, also when a test failed. Each test file starts its own.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { type Browser, chromium, type Page } from 'playwright-core';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { setActiveBucket } from '../../aggregators/indicator-store.js';
import { type RunningApi, startApiServer } from '../../api/api-process.js';
import { generateSecret, type OfficialRole } from '../../api/auth.js';
import type { PayloadProtection } from '../../encryption/data-converter.js';
import { createLogger } from '../../infra/logging.js';
import { freePort } from '../../infra/server-launchers.js';
import { demoOfficials } from '../../stack/demo.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { chromiumFlags, chromiumPath, ensureChromium } from './chromium.js';
import { workflowBundle } from './dossier-env.js';
import { startTestIdentity, type TestIdentity } from './identity.js';
import { registerTestNamespace } from './namespace-system.js';
import { testLogger } from './test-logging.js';
import { connectNats, connectTemporal, testPayloadProtection } from './test-servers.js';

// Browser globals used inside page.evaluate callbacks (the project compiles without lib.dom).
declare const document: { getElementById(id: string): { replaceChildren(): void } | null };

const projectRoot = new URL('../../', import.meta.url).pathname;

/**
 * Screenshots of every screen: to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (they are committed
 * for docs/console.md), else to a temporary folder, so that a test run leaves the work tree clean.
 */
export const screenshotDir = process.env.UPDATE_SCREENSHOTS
  ? join(projectRoot, 'docs', 'screenshots')
  : join(tmpdir(), 'tthc-console-screenshots');

/** The demo officials' passwords at the test's identity provider. */
export const passwordOf = (sub: string) => `mat-khau-${sub}`;

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** The browser's locale (default vi-VN): the console's dates and numbers must not follow it. */
  locale?: string;
}

export interface ConsoleSystem {
  api: RunningApi;
  identity: TestIdentity;
  indicators: IndicatorService;
  /** Access tokens of the demo officials, by role. */
  tokens: Partial<Record<OfficialRole, string>>;
  /** The API's clock runs ahead by this much (a session's expiry without waiting 8 hours). */
  clockOffset: number;
  /** Uncaught errors in the console's pages: none are expected. */
  pageErrors: string[];
  url(path?: string): string;
  /** A page in a browser context of its own (one official per browser, as at two desks). */
  newPage(options?: PageOptions): Promise<Page>;
  /** Signs in through the identity provider's page as the demo official of the role. */
  signIn(page: Page, role: OfficialRole, hash?: string): Promise<void>;
  /** Signs in as an official of any unit and role (the account is added to the provider first). */
  signInAs(
    page: Page,
    official: { sub: string; name: string; unit: string; role: OfficialRole },
    hash?: string,
  ): Promise<void>;
  /** The provider's sign-in page: user name, password, submit. */
  providerLogin(page: Page, username: string, password: string): Promise<void>;
  /** A JSON call of the API with a bearer token; throws on an error status. */
  call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<T>;
  /** A screenshot for docs/console.md (notices cleared first, so that nothing hides the screen). */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsoleSystem(prefix: string): Promise<ConsoleSystem> {
  const logger = testLogger(prefix);
  const steps: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of steps.reverse()) await step().catch(() => undefined);
    steps.length = 0;
  };
  try {
    // The browser: Debian's chromium, installed with apt-get if missing (fast when it is there).
    ensureChromium();
    const nc = await connectNats(prefix);
    steps.push(() => nc.close());
    const protection: PayloadProtection = await testPayloadProtection(nc);
    steps.push(async () => protection.close());
    const temporal = await connectTemporal(protection);
    steps.push(() => temporal.close());
    const namespace = await registerTestNamespace(temporal.client.connection as Connection, prefix);
    const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    steps.push(() => rm(dataDir, { recursive: true, force: true }));
    const workers: Worker[] = await createDossierWorkers({
      connection: temporal.nativeConnection,
      namespace,
      nc,
      protection,
      dataDir,
      workflowBundle: await workflowBundle(),
      logger,
    });
    const runs = Promise.allSettled(workers.map((w) => w.run()));
    steps.push(async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await runs;
    });

    const metaBucket = `${prefix.replace(/\W/g, '_')}_meta_${Date.now()}`;
    await setActiveBucket(nc, `${prefix.replace(/\W/g, '_')}_ind_${Date.now()}`, metaBucket);
    const indicators = await IndicatorService.start(nc, logger, metaBucket);
    steps.push(() => indicators.stop());

    const apiPort = await freePort();
    const identity = await startTestIdentity({
      redirectUris: [`http://127.0.0.1:${apiPort}/auth/callback`],
    });
    steps.push(() => identity.stop());
    const tokens: ConsoleSystem['tokens'] = {};
    for (const official of demoOfficials) {
      identity.account({
        id: official.sub,
        password: passwordOf(official.sub),
        name: official.name,
        unit: official.unit,
        role: official.role,
      });
      tokens[official.role] = await identity.provider.issueAccessToken(official.sub);
    }
    const system = { clockOffset: 0 } as ConsoleSystem;
    const api = await startApiServer({
      temporal: new Client({
        connection: temporal.client.connection,
        namespace,
        dataConverter: protection.dataConverter,
      }),
      nc,
      protection,
      logger: createLogger({ level: 'silent' }),
      oidcIssuer: identity.provider.issuer,
      now: () => Date.now() + system.clockOffset,
      // One address signs in many officials here in a minute (the default allows 20 sign-in requests).
      limits: { signInPerMinute: 10_000, lookupPerMinute: 10_000, writesPerMinute: 10_000 },
      settings: {
        secret: generateSecret(),
        port: apiPort,
        dataDir,
        organisation: 'demo',
        indicatorMetaBucket: metaBucket,
      },
    });
    steps.push(() => api.close());

    await mkdir(screenshotDir, { recursive: true });
    const browser: Browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
    });
    steps.push(() => browser.close());

    const url = (path = '') => `${api.url}${path}`;
    const pageErrors: string[] = [];
    const providerLogin = async (page: Page, username: string, password: string) => {
      await page.locator('input[name="username"]').waitFor();
      await page.fill('input[name="username"]', username);
      await page.fill('input[name="password"]', password);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    };
    return Object.assign(system, {
      api,
      identity,
      indicators,
      tokens,
      pageErrors,
      url,
      async newPage(options: PageOptions = {}) {
        const context = await browser.newContext({
          viewport: options.viewport ?? { width: 1280, height: 900 },
          locale: options.locale ?? 'vi-VN',
          timezoneId: 'Asia/Ho_Chi_Minh',
        });
        context.setDefaultTimeout(20_000);
        const page = await context.newPage();
        page.on('close', () => void context.close().catch(() => undefined));
        page.on('pageerror', (error) => pageErrors.push(error.message));
        return page;
      },
      async signIn(page: Page, role: OfficialRole, hash = '') {
        const official = demoOfficials.find((o) => o.role === role);
        if (!official) throw new Error(`no demo official for ${role}`);
        await page.goto(url(`/console/${hash}`));
        await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).click();
        await providerLogin(page, official.sub, passwordOf(official.sub));
        await page.locator('.user-name').waitFor();
      },
      async signInAs(
        page: Page,
        official: { sub: string; name: string; unit: string; role: OfficialRole },
        hash = '',
      ) {
        identity.account({ id: official.sub, password: passwordOf(official.sub), ...official });
        await page.goto(url(`/console/${hash}`));
        await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).click();
        await providerLogin(page, official.sub, passwordOf(official.sub));
        await page.locator('.user-name').waitFor();
      },
      providerLogin,
      async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, token?: string, body?: unknown) {
        const response = await fetch(url(path), {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const data = (await response.json()) as T;
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
        return data;
      },
      async shot(page: Page, name: string, fullPage = true) {
        await page.evaluate(() => document.getElementById('toast')?.replaceChildren());
        await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
      },
      stop,
    });
  } catch (error) {
    await stop();
    throw error;
  }
}
