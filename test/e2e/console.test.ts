/**
 * The web console (web/, api/web.ts) in a real browser: Debian's Chromium driven by playwright-core
 * against the API listening on a real port, over real workflows and the indicator aggregator.
 *
 * The console uses one API for every screen, and the worklist needs Temporal visibility, which the
 * time-skipping server lacks; so, as api-lifecycle's search test does, the whole system runs on the
 * shared dev server in a namespace of its own, with its own workers (real time: nothing here needs
 * days to pass). The aggregator has a meta bucket of its own, so other test files never touch its
 * counters. Screenshots of each screen go to docs/screenshots/ (UPDATE_SCREENSHOTS=1).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { setActiveBucket } from '../../aggregators/indicator-store.js';
import { type RunningApi, startApiServer } from '../../api/api-process.js';
import { generateSecret, type OfficialRole } from '../../api/auth.js';
import { addCalendarDays } from '../../domain/time.js';
import type { PayloadProtection } from '../../encryption/data-converter.js';
import { createLogger } from '../../infra/logging.js';
import { freePort } from '../../infra/server-launchers.js';
import { registerSearchAttributes } from '../../infra/temporal.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { demoOfficials } from '../../stack/demo.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { chromiumFlags, chromiumPath, ensureChromium } from '../support/chromium.js';
import { workflowBundle } from '../support/dossier-env.js';
import { startTestIdentity, type TestIdentity } from '../support/identity.js';
import { registerTestNamespace } from '../support/namespace-system.js';
import { testLogger } from '../support/test-logging.js';
import {
  connectNats,
  connectTemporal,
  type TemporalTestConnections,
  testPayloadProtection,
} from '../support/test-servers.js';

// Browser globals used inside page.evaluate callbacks, which run in Chromium (the project compiles
// without lib.dom, so they are declared here, for this file only).
interface BrowserElement {
  dataset: Record<string, string | undefined>;
}
interface BrowserControl {
  name: string;
  type: string;
  labels: ArrayLike<unknown> | null;
  getAttribute(name: string): string | null;
  getClientRects(): ArrayLike<unknown>;
}
declare const document: {
  documentElement: { scrollWidth: number };
  styleSheets: Iterable<{ cssRules: Iterable<unknown> }>;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserControl>;
  getElementById(id: string): { replaceChildren(): void } | null;
  cookie: string;
};
declare const sessionStorage: Record<string, string>;
declare const localStorage: Record<string, string>;
declare const window: { innerWidth: number; notReloaded?: boolean };
declare function getComputedStyle(element: BrowserElement): { display: string };
declare class CSSPageRule {
  selectorText: string;
  style: { getPropertyValue(name: string): string };
}

const projectRoot = new URL('../../', import.meta.url).pathname;
/**
 * Screenshots of every screen: to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (they are committed
 * for docs/console.md), else to a temporary folder, so that a test run leaves the work tree clean.
 */
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? join(projectRoot, 'docs', 'screenshots')
  : join(tmpdir(), 'tthc-console-screenshots');
const calendar = loadCalendar('VN');
const camThanh = { oneStop: '000.01.41.H99', committee: '000.00.41.H99' };
/**
 * The dashboard test counts a dossier of Sở Nông nghiệp và Môi trường received at the province
 * centre: no other test file receives dossiers there, so their exact counts stay theirs.
 */
const agriculture = {
  oneStop: '000.00.01.H99',
  committee: '000.00.13.H99',
  procedure: 'LOCAL.DKBD-QSDD',
  documents: ['don-dang-ky-bien-dong', 'giay-chung-nhan-qsdd', 'hop-dong-chuyen-nhuong', 'giay-to-tuy-than'],
};
const logger = testLogger('console-e2e');

let temporal: TemporalTestConnections | undefined;
let nc: Awaited<ReturnType<typeof connectNats>> | undefined;
let protection: PayloadProtection;
let workers: Worker[] = [];
let runs: Promise<unknown> = Promise.resolve();
let indicators: IndicatorService | undefined;
let api: RunningApi | undefined;
let browser: Browser | undefined;
let identity: TestIdentity | undefined;
let dataDir = '';
/** The API's clock runs ahead by this much (a session's expiry without waiting 8 hours). */
let clockOffset = 0;
/** The demo officials' passwords at the test's identity provider. */
const passwordOf = (sub: string) => `mat-khau-${sub}`;
const secret = generateSecret();
const tokens: Partial<Record<OfficialRole, string>> = {};
/** Uncaught errors in the console's pages: none are expected. */
const pageErrors: string[] = [];

beforeAll(async () => {
  // The browser: Debian's chromium, installed with apt-get if missing (fast when it is there).
  ensureChromium();

  nc = await connectNats('console-e2e');
  protection = await testPayloadProtection(nc);
  temporal = await connectTemporal(protection);
  const namespace = await registerTestNamespace(temporal.client.connection as Connection, 'tthc-console-e2e');
  dataDir = await mkdtemp(join(tmpdir(), 'tthc-console-e2e-'));
  workers = await createDossierWorkers({
    connection: temporal.nativeConnection,
    namespace,
    nc,
    protection: protection,
    dataDir,
    workflowBundle: await workflowBundle(),
    logger,
  });
  runs = Promise.allSettled(workers.map((w) => w.run()));

  const metaBucket = `tthc_console_meta_${Date.now()}`;
  await setActiveBucket(nc, `tthc_console_ind_${Date.now()}`, metaBucket);
  indicators = await IndicatorService.start(nc, logger, metaBucket);

  const apiPort = await freePort();
  identity = await startTestIdentity({ redirectUris: [`http://127.0.0.1:${apiPort}/auth/callback`] });
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
  api = await startApiServer({
    temporal: new Client({
      connection: temporal.client.connection,
      namespace,
      dataConverter: protection.dataConverter,
    }),
    nc,
    protection,
    logger: createLogger({ level: 'silent' }),
    oidcIssuer: identity.provider.issuer,
    now: () => Date.now() + clockOffset,
    // One address signs in many officials here in a minute (the default allows 20 sign-in requests).
    limits: { signInPerMinute: 10_000 },
    settings: { secret, port: apiPort, dataDir, organisation: 'demo', indicatorMetaBucket: metaBucket },
  });

  await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
});

afterAll(async () => {
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['browser', async () => browser?.close()],
    ['api', async () => api?.close()],
    ['identity provider', async () => identity?.stop()],
    ['indicators', async () => indicators?.stop()],
    [
      'workers',
      async () => {
        for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
        await runs;
      },
    ],
    ['temporal', async () => temporal?.close()],
    ['keyring', async () => protection?.close()],
    ['nats', async () => nc?.close()],
    ['data', async () => dataDir && rm(dataDir, { recursive: true, force: true })],
  ];
  for (const [, step] of steps) await step().catch(() => undefined);
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Helpers

const url = (path = '') => `${api?.url}${path}`;
/** A screenshot for docs/console.md (passing notices are cleared first, so that nothing hides the screen). */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.evaluate(() => document.getElementById('toast')?.replaceChildren());
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
}

/** Visible form controls without a label (a <label for>, aria-label or aria-labelledby): none allowed. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')]
      .filter((el) => el.getClientRects().length > 0)
      .filter(
        (el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'),
      )
      .map((el) => `${el.type} ${el.name}`),
  );
}

async function newPage(): Promise<Page> {
  if (!browser) throw new Error('no browser');
  // A browser context per page: the session cookie is per browser, as for two officials at two desks.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('close', () => void context.close());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** Signs in through the identity provider's page as the demo official of the role. */
async function signIn(page: Page, role: OfficialRole, hash = ''): Promise<void> {
  const official = demoOfficials.find((o) => o.role === role);
  if (!official) throw new Error(`no demo official for ${role}`);
  await page.goto(url(`/console/${hash}`));
  await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).click();
  await providerLogin(page, official.sub, passwordOf(official.sub));
  await page.locator('.user-name').waitFor();
}

/** The provider's sign-in page: user name, password, submit. */
async function providerLogin(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name="username"]').waitFor();
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
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
}

let serial = 0;
interface Desk {
  oneStop: string;
  committee: string;
  procedure?: string;
  documents?: string[];
}

function application({ oneStop, committee, procedure, documents }: Desk) {
  serial++;
  return {
    application: {
      requestId: `console-e2e-${Date.now()}-${serial}`,
      procedureCode: procedure ?? '1.001612',
      applicant: {
        type: 'citizen',
        fullName: 'Lê Thị Hồng',
        idNumber: `0510920${String(serial).padStart(5, '0')}`,
        phone: '0905123456',
      },
      channel: 'counter',
      receivingUnit: oneStop,
      competentAgency: committee,
      documents: (documents ?? ['giay-de-nghi-dang-ky-ho-kinh-doanh', 'giay-to-phap-ly-ca-nhan']).map(
        (kind) => ({
          kind,
          form: 'paper',
        }),
      ),
    },
  };
}

/** Receives a complete dossier through the API (for the steps not about the counter screen). */
async function receiveByApi(
  desk: Desk = camThanh,
): Promise<{ code: string; lookupSecret: string; appointmentDate: string }> {
  const token =
    desk === camThanh
      ? tokens['counter-officer']
      : await (identity as TestIdentity).token({
          sub: 'mot-cua-tinh',
          name: 'Cán bộ một cửa tỉnh',
          unit: desk.oneStop,
          role: 'counter-officer',
        });
  return call('POST', '/v1/dossiers', token, application(desk));
}

interface StreamMessage {
  event: string;
  data: Record<string, unknown>;
}

/** Reads GET /v1/events as the browser does (fetch with the token), collecting its messages. */
async function openEventStream(token: string): Promise<{ messages: StreamMessage[]; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(url('/v1/events'), {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const messages: StreamMessage[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) messages.push({ event, data: data ? JSON.parse(data) : {} });
        }
      }
    } catch {
      // Aborted.
    }
  })();
  return { messages, close: () => controller.abort() };
}

async function actionButtons(page: Page): Promise<string[]> {
  await page.locator('#actions-title').waitFor();
  return page
    .locator('button.action')
    .evaluateAll((buttons) => buttons.map((b) => (b as BrowserElement).dataset.action ?? ''));
}

async function openDossier(page: Page, code: string): Promise<void> {
  await page.goto(url(`/console/#/ho-so/${code}`));
  await page.locator('#dossier-title').waitFor();
}

const statusBadge = (page: Page) => page.locator('.status-badge');

// Shared across the steps, in order.
let received: { code: string; secret: string; appointment: string } | undefined;
let apologized = '';

// ---------------------------------------------------------------------------------------------

describe('the web console in Chromium', () => {
  it('serves the console with a strict content security policy', async () => {
    const response = await fetch(url('/console/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(url('/console'), { redirect: 'manual' })).status).toBe(301);
  });

  it('a counter signs in through the identity provider and receives a dossier through the counter screen (Mẫu 01)', async () => {
    const page = await newPage();
    await page.goto(url('/console/'));
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).waitFor();
    await shot(page, 'signin');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).click();
    // The provider's own page, under its strict policy: a wrong password is said in Vietnamese.
    await page.locator('input[name="username"]').waitFor();
    expect(page.url()).toContain((identity as TestIdentity).provider.issuer);
    await providerLogin(page, 'mot-cua-cam-thanh', 'sai-mat-khau');
    await page.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    await shot(page, 'provider-signin');
    await page.fill('input[name="password"]', passwordOf('mot-cua-cam-thanh'));
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.locator('#intake-title').waitFor();
    // No token in anything a script can read.
    const storage = await page.evaluate(() => ({
      session: JSON.stringify({ ...sessionStorage }),
      local: JSON.stringify({ ...localStorage }),
      cookies: document.cookie,
    }));
    expect(storage).toEqual({ session: '{}', local: '{}', cookies: '' });
    expect(page.url()).toContain('#/quay');

    await page.selectOption('select[name="procedure"]', '1.001612');
    await page.locator('#doc-0-present').waitFor();
    await page.fill('input[name="fullName"]', 'Trần Thị Bình');
    // Validated as the officer types, with the API's rule: 12 digits.
    await page.fill('input[name="idNumber"]', '07908501');
    const idError = page.locator(`#${await page.locator('input[name="idNumber"]').getAttribute('id')}-error`);
    await expect.poll(() => idError.textContent()).toContain('12 chữ số');
    expect(await page.locator('input[name="idNumber"]').getAttribute('aria-invalid')).toBe('true');
    await page.fill('input[name="idNumber"]', '079085012345');
    expect(await idError.isHidden()).toBe(true);
    await page.fill('input[name="phone"]', '09871');
    await page.locator('input[name="phone"]').blur();
    expect(await page.locator('input[name="phone"]').getAttribute('aria-invalid')).toBe('true');
    await page.fill('input[name="phone"]', '0987654321');
    await page.fill('input[name="address"]', '12 Lê Lợi, Phường Cẩm Thành');
    await page.check('#doc-0-present');
    await expect.poll(() => page.locator('.missing-summary').textContent()).toContain('Còn thiếu 1');
    await page.check('#doc-1-present');
    await expect.poll(() => page.locator('.missing-summary').textContent()).toContain('Đủ các thành phần');
    await shot(page, 'counter');
    expect(await unlabelledControls(page)).toEqual([]);

    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    await page.getByRole('heading', { name: 'Đã tiếp nhận hồ sơ' }).waitFor();
    const code = (await page.locator('dd.dossier-code').textContent())?.trim() ?? '';
    const lookupSecret = (await page.locator('dd.lookup-secret').textContent())?.trim() ?? '';
    expect(code).toMatch(/^000\.01\.41\.H99-\d{6}-\d{4}$/);
    expect(lookupSecret).toMatch(/^[A-Z2-7]{10}$/);
    const receipt = page.locator('.form-sheet[data-kind="receipt"]');
    await receipt.waitFor();
    const receiptText = (await receipt.textContent()) ?? '';
    expect(receiptText).toContain('Mẫu số 01');
    expect(receiptText).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(receiptText).toContain('Trần Thị Bình');
    expect(receiptText).toContain(code);
    expect(receiptText).toContain(lookupSecret);
    await shot(page, 'receipt');
    const view = await call<{ deadlines: { decree: { dueDate: string } } }>(
      'GET',
      `/v1/dossiers/${code}`,
      tokens['counter-officer'],
    );
    received = { code, secret: lookupSecret, appointment: view.deadlines.decree.dueDate };

    // A dossier lacking a required document: the supplementation request lists every missing item.
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ mới' }).click();
    await page.selectOption('select[name="procedure"]', '1.001612');
    await page.fill('input[name="fullName"]', 'Phạm Văn Cường');
    await page.fill('input[name="idNumber"]', '079085099999');
    await page.check('#doc-0-present');
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    await page.getByRole('heading', { name: /yêu cầu bổ sung/ }).waitFor();
    const request = page.locator('.form-sheet[data-kind="supplementation-request"]');
    await request.waitFor();
    const requestText = (await request.textContent()) ?? '';
    expect(requestText).toContain('Mẫu số 02');
    expect(requestText).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(requestText).toContain('giấy tờ pháp lý của cá nhân');
    await shot(page, 'supplementation-request');

    // A refusal at intake (Mẫu 03).
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ mới' }).click();
    await page.selectOption('select[name="procedure"]', '1.001612');
    await page.fill('input[name="fullName"]', 'Đỗ Thị Lan');
    await page.fill('input[name="idNumber"]', '079085088888');
    await page.check('#doc-0-present');
    await page.check('#doc-1-present');
    await page.check('#refuse-intake');
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('lý do từ chối');
    await page.fill('textarea[name="refuseReason"]', 'Ngành nghề kinh doanh thuộc danh mục cấm');
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    await page.getByRole('heading', { name: 'Đã từ chối tiếp nhận hồ sơ' }).waitFor();
    const refusal = (await page.locator('.form-sheet[data-kind="refusal"]').textContent()) ?? '';
    expect(refusal).toContain('Mẫu số 03');
    expect(refusal).toContain('Ngành nghề kinh doanh thuộc danh mục cấm');
    await shot(page, 'refusal');

    // A narrow counter screen: everything fits without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ mới' }).click();
    await page.selectOption('select[name="procedure"]', '1.001612');
    await page.check('#doc-0-present');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(
      true,
    );
    await shot(page, 'counter-narrow');
    await page.close();
  }, 120_000);

  it('each role sees only the actions it may take now', async () => {
    const code = received?.code ?? '';
    const expected: Record<string, { offered: string[]; never: string[] }> = {
      leader: {
        offered: ['assign', 'apologize', 'stop'],
        never: ['appraise', 'approve', 'return-result', 'record-payment'],
      },
      specialist: { offered: ['request-supplementation'], never: ['assign', 'appraise', 'approve', 'stop'] },
      'counter-officer': {
        offered: ['withdraw', 'record-payment'],
        never: ['assign', 'appraise', 'approve', 'return-result', 'apologize'],
      },
      supervisor: { offered: [], never: ['assign', 'appraise', 'approve', 'return-result', 'withdraw'] },
    };
    for (const [role, { offered, never }] of Object.entries(expected)) {
      const page = await newPage();
      await signIn(page, role as OfficialRole);
      await openDossier(page, code);
      const actions = await actionButtons(page);
      for (const action of offered) expect(actions, `${role} is offered ${action}`).toContain(action);
      for (const action of never) expect(actions, `${role} is not offered ${action}`).not.toContain(action);
      if (offered.length === 0) expect(await page.locator('.no-actions').isVisible()).toBe(true);
      await page.close();
    }
  }, 120_000);

  it('an expired session says so and signs in again in a small window without losing the form; sign-out', async () => {
    const page = await newPage();
    await signIn(page, 'counter-officer', '#/quay');
    await page.locator('#intake-title').waitFor();
    await page.selectOption('select[name="procedure"]', '1.001612');
    await page.locator('#doc-0-present').waitFor();
    await page.fill('input[name="fullName"]', 'Phạm Văn Đức');
    await page.fill('input[name="idNumber"]', '079085099999');
    // Nine hours later (the provider's access tokens last eight): the session has ended.
    clockOffset = 9 * 3_600_000;
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    const notice = page.locator('.session-expired');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Phiên đăng nhập đã hết hạn');
    expect(await page.inputValue('input[name="fullName"]')).toBe('Phạm Văn Đức');
    clockOffset = 0;
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      notice.getByRole('button', { name: 'Đăng nhập lại' }).click(),
    ]);
    await providerLogin(popup, 'mot-cua-cam-thanh', passwordOf('mot-cua-cam-thanh'));
    await popup.waitForEvent('close');
    await notice.waitFor({ state: 'detached' });
    // The form is as it was; sending it again works.
    expect(await page.inputValue('input[name="fullName"]')).toBe('Phạm Văn Đức');
    expect(await page.inputValue('input[name="idNumber"]')).toBe('079085099999');

    // Sign-out: the session ends on the server too; the console is back at the sign-in screen.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/v1/procedures')).status);
    expect(status).toBe(401);
    await page.close();
  });

  it('a leader assigns, a specialist appraises and the leader approves in the worklist and dossier page', async () => {
    const code = received?.code ?? '';
    const leader = await newPage();
    await signIn(leader, 'leader');
    expect(leader.url()).toContain('#/ho-so');
    // The worklist comes from the search (visibility follows a moment after the workflow).
    const row = leader.locator(`tr[data-code="${code}"]`);
    for (let attempt = 0; attempt < 40 && !(await row.isVisible()); attempt++) {
      await leader.getByRole('button', { name: 'Làm mới' }).click();
      await leader.waitForTimeout(500);
    }
    await row.waitFor();
    await leader.locator('.live-badge[data-state="live"]').waitFor();
    const dueTimes = await leader
      .locator('tr[data-code]')
      .evaluateAll((rows) =>
        rows.map((r) => (r.querySelector('td:nth-child(4)')?.textContent ?? '').slice(-10)),
      );
    const asIso = dueTimes
      .filter((d) => /\d{2}\/\d{2}\/\d{4}/.test(d))
      .map((d) => d.split('/').reverse().join('-'));
    expect(asIso).toEqual([...asIso].sort());
    await shot(leader, 'worklist');

    await row.getByRole('link', { name: code }).click();
    await leader.locator('#dossier-title').waitFor();
    await leader.locator('button.action[data-action="assign"]').click();
    const dialog = leader.locator('dialog[open]');
    await dialog.getByLabel('Mã cán bộ của chuyên viên').fill('chuyen-vien-cam-thanh');
    await dialog.getByLabel('Họ tên chuyên viên').fill('Chuyên viên UBND Cẩm Thành');
    await dialog.getByRole('button', { name: 'Phân công' }).click();
    await expect.poll(() => statusBadge(leader).textContent()).toBe('Đang xử lý');
    expect(await actionButtons(leader)).not.toContain('approve');

    const specialist = await newPage();
    await signIn(specialist, 'specialist');
    await specialist.locator(`tr[data-code="${code}"]`).getByRole('link').click();
    await specialist.locator('#dossier-title').waitFor();
    expect(await actionButtons(specialist)).toContain('appraise');
    await specialist.locator('button.action[data-action="appraise"]').click();
    const appraise = specialist.locator('dialog[open]');
    await appraise.getByLabel('Ý kiến thẩm định').fill('Hồ sơ đủ điều kiện đăng ký hộ kinh doanh');
    await appraise.getByRole('button', { name: 'Thẩm định' }).click();
    await specialist.locator('.timeline li[data-action="appraise"]').waitFor();
    expect(await actionButtons(specialist)).not.toContain('appraise');

    // The leader's page follows without a reload (server-sent events) and now offers approval.
    await leader.locator('button.action[data-action="approve"]').waitFor();
    await leader.locator('button.action[data-action="approve"]').click();
    const approve = leader.locator('dialog[open]');
    await approve
      .getByLabel('Ý kiến phê duyệt (không bắt buộc)')
      .fill('Cấp giấy chứng nhận đăng ký hộ kinh doanh');
    await approve.getByRole('button', { name: 'Phê duyệt' }).click();
    await expect.poll(() => statusBadge(leader).textContent()).toBe('Đã xử lý xong');
    const timeline = await leader
      .locator('.timeline li')
      .evaluateAll((items) => items.map((i) => (i as BrowserElement).dataset.action));
    expect(timeline).toEqual(['accept', 'assign', 'appraise', 'approve']);
    await shot(leader, 'dossier');
    await leader.close();
    await specialist.close();
  }, 120_000);

  it('the apology dialog takes a reason and a new date; the citizen sees both', async () => {
    const dossier = await receiveByApi();
    apologized = dossier.code;
    const leader = await newPage();
    await signIn(leader, 'leader');
    await openDossier(leader, dossier.code);
    await leader.locator('button.action[data-action="apologize"]').click();
    const dialog = leader.locator('dialog[open]');
    await dialog.getByLabel('Lý do chậm trả kết quả').fill('Cần xác minh thực địa địa điểm kinh doanh');
    // A date not after the current appointment is refused in the dialog, before anything is sent.
    await dialog.getByLabel('Ngày hẹn trả kết quả mới').fill(dossier.appointmentDate);
    await dialog.getByRole('button', { name: 'Xin lỗi và hẹn lại ngày trả' }).click();
    await dialog.locator('[role="alert"]').waitFor();
    expect(await dialog.locator('[role="alert"]').textContent()).toContain('phải sau ngày hẹn hiện tại');
    let newDate = addCalendarDays(dossier.appointmentDate, 5);
    while (!calendar.isWorkingDay(newDate)) newDate = addCalendarDays(newDate, 1);
    await dialog.getByLabel('Ngày hẹn trả kết quả mới').fill(newDate);
    await shot(leader, 'apology-dialog', false);
    expect(await unlabelledControls(leader)).toEqual([]);
    await dialog.getByRole('button', { name: 'Xin lỗi và hẹn lại ngày trả' }).click();
    await leader.locator('dd.apology').waitFor();
    expect(await leader.locator('dd.decree-due').getAttribute('data-due')).toBe(newDate);
    expect(await actionButtons(leader)).not.toContain('apologize');
    await leader.close();

    const citizen = await newPage();
    await citizen.goto(url('/console/#/tra-cuu'));
    await citizen.getByLabel('Mã số hồ sơ').fill(dossier.code);
    await citizen.getByLabel('Mã tra cứu').fill(dossier.lookupSecret);
    await citizen.getByRole('button', { name: 'Tra cứu' }).click();
    await citizen.locator('.apology-notice').waitFor();
    const notice = (await citizen.locator('.apology-notice').textContent()) ?? '';
    expect(notice).toContain('Cần xác minh thực địa địa điểm kinh doanh');
    expect(notice).toContain(newDate.split('-').reverse().join('/'));
    // The leader read the dossier: the citizen sees the unit and when, never the official's name.
    const access = citizen.locator('section.personal-data-access');
    expect(await access.getByRole('heading').textContent()).toBe(
      'Các đơn vị đã truy cập dữ liệu cá nhân của bạn',
    );
    expect(await access.locator('.access-unit').allTextContents()).toContain('UBND Phường Cẩm Thành');
    expect(await access.textContent()).not.toContain('Lãnh đạo UBND Cẩm Thành');
    await shot(citizen, 'lookup');
    await citizen.close();
  }, 120_000);

  it('the counter hands the result back from the dossier page', async () => {
    const code = received?.code ?? '';
    const counter = await newPage();
    await signIn(counter, 'counter-officer');
    // The counter screen lists it among the dossiers waiting to be handed back.
    const waiting = counter
      .locator('section[aria-labelledby="waiting-title"]')
      .getByRole('link', { name: code });
    for (let attempt = 0; attempt < 40 && !(await waiting.isVisible()); attempt++) {
      await counter.goto(url('/console/#/ho-so'));
      await counter.goto(url('/console/#/quay'));
      await counter.locator('#waiting-title').waitFor();
      await counter.waitForTimeout(300);
    }
    await waiting.click();
    await counter.locator('#dossier-title').waitFor();
    expect(await actionButtons(counter)).toContain('return-result');
    await counter.locator('button.action[data-action="return-result"]').click();
    const dialog = counter.locator('dialog[open]');
    await dialog.getByLabel('Hình thức trả').selectOption('counter');
    await dialog.getByRole('button', { name: 'Trả kết quả' }).click();
    await expect.poll(() => statusBadge(counter).textContent()).toBe('Đã trả kết quả');
    expect(await actionButtons(counter)).toEqual(['evaluate']);
    await counter.close();
  }, 120_000);

  it('the citizen looks the dossier up with the code and secret, and sees no personal data', async () => {
    const citizen = await newPage();
    await citizen.goto(url('/console/#/tra-cuu'));
    // With the keyboard only: the page's heading has the focus, Tab goes to the code, then the secret.
    await citizen.getByRole('heading', { name: 'Tra cứu tình trạng hồ sơ' }).waitFor();
    await citizen.keyboard.press('Tab');
    await citizen.keyboard.type(received?.code ?? '');
    await citizen.keyboard.press('Tab');
    await citizen.keyboard.type('AAAAAAAAAA');
    await citizen.keyboard.press('Enter');
    await citizen.getByText('Không tìm thấy hồ sơ').waitFor();
    expect(await citizen.getByLabel('Mã số hồ sơ').inputValue()).toBe(received?.code);
    expect(await unlabelledControls(citizen)).toEqual([]);
    await citizen.getByLabel('Mã tra cứu').fill(received?.secret.toLowerCase() ?? '');
    await citizen.getByRole('button', { name: 'Tra cứu' }).click();
    await citizen.locator('.lookup-status').waitFor();
    expect(await citizen.locator('.lookup-status').textContent()).toBe('Đã trả kết quả');
    expect(await citizen.locator('.lookup-appointment').textContent()).toContain(
      (received?.appointment ?? '').split('-').reverse().join('/'),
    );
    const text = (await citizen.locator('main').textContent()) ?? '';
    for (const personal of ['Trần Thị Bình', '079085012345', '0987654321', '12 Lê Lợi']) {
      expect(text).not.toContain(personal);
    }
    // The applicant rates the service once.
    await citizen.getByLabel('Thái độ của cán bộ').selectOption('2');
    await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await citizen.getByText('Cảm ơn ông/bà đã đánh giá.').waitFor();
    await citizen.close();
  }, 60_000);

  it('the supervisor dashboard shows a new dossier without a reload (server-sent events), with drill-down', async () => {
    const page = await newPage();
    await signIn(page, 'supervisor');
    expect(page.url()).toContain('#/giam-sat');
    await page.locator('[data-stat="accepted"]').waitFor();
    await page.locator('.live-badge[data-state="live"]').waitFor();
    await indicators?.caughtUp();
    await page.waitForTimeout(300);
    await shot(page, 'dashboard');
    expect(await unlabelledControls(page)).toEqual([]);

    await indicators?.caughtUp();
    await page.selectOption('#unit-select', agriculture.committee);
    await page.locator(`.board[data-unit="${agriculture.committee}"] [data-stat="accepted"]`).waitFor();
    const accepted = async () =>
      Number((await page.locator('[data-stat="accepted"] .stat-value').textContent()) ?? 'NaN');
    await expect.poll(accepted).toBeGreaterThanOrEqual(0);
    const before = await accepted();
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    const dossier = await receiveByApi(agriculture);
    await expect.poll(accepted, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 1);
    expect(await page.evaluate(() => window.notReloaded)).toBe(true);

    await page.locator('tr[data-indicator="2.1"]').getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.locator('.drill-down[data-indicator="2.1"]').waitFor();
    expect(await page.locator('.drill-down').textContent()).toContain(dossier.code);
    await page.close();
  }, 120_000);

  it('streams a "changed" message for each dossier event to the officials whose scope covers it', async () => {
    const konTumCounter = {
      token: await (identity as TestIdentity).token({
        sub: 'mot-cua-kon-tum',
        name: 'Cán bộ một cửa Kon Tum',
        unit: '000.01.42.H99',
        role: 'counter-officer',
      }),
    };
    const supervisor = await openEventStream(tokens.supervisor ?? '');
    const leader = await openEventStream(tokens.leader ?? '');
    const elsewhere = await openEventStream(konTumCounter.token);
    try {
      for (const stream of [supervisor, leader, elsewhere]) {
        await expect.poll(() => stream.messages.map((m) => m.event)).toContain('ready');
      }
      const dossier = await receiveByApi();
      const changed = (stream: { messages: StreamMessage[] }) =>
        stream.messages
          .filter((m) => m.event === 'changed' && m.data.code === dossier.code)
          .map((m) => m.data.type);
      await expect.poll(() => changed(supervisor)).toContain('accepted');
      await expect.poll(() => changed(leader)).toContain('accepted');
      expect(leader.messages.find((m) => m.data.code === dossier.code)?.data).toMatchObject({
        competentAgency: camThanh.committee,
        receivingUnit: camThanh.oneStop,
      });
      await call('POST', `/v1/dossiers/${dossier.code}/actions/assign`, tokens.leader, {
        specialist: { id: 'chuyen-vien-cam-thanh', name: 'Chuyên viên UBND Cẩm Thành' },
      });
      await expect.poll(() => changed(leader)).toContain('assigned');
      // One stream each, still open: nothing reconnected; the counter of another commune heard nothing.
      for (const stream of [supervisor, leader]) {
        expect(stream.messages.filter((m) => m.event === 'ready')).toHaveLength(1);
      }
      expect(elsewhere.messages.filter((m) => m.data.code === dossier.code)).toEqual([]);
      const text = JSON.stringify(leader.messages);
      expect(text).not.toContain('Lê Thị Hồng');
    } finally {
      for (const stream of [supervisor, leader, elsewhere]) stream.close();
    }
  }, 60_000);

  it('renders each issued form for printing on A5', async () => {
    const code = received?.code ?? '';
    const stopped = await receiveByApi();
    await call('POST', `/v1/dossiers/${stopped.code}/actions/stop`, tokens.leader, {
      reason: 'Người nộp đề nghị dừng để điều chỉnh ngành nghề',
    });
    const page = await newPage();
    await signIn(page, 'counter-officer');
    await page.goto(url(`/console/#/bieu-mau/${code}/receipt`));
    await page.locator('.form-sheet[data-kind="receipt"]').waitFor();
    await page.emulateMedia({ media: 'print' });
    const layout = await page.evaluate(() => {
      const pageRules = [...document.styleSheets]
        .flatMap((sheet) => [...sheet.cssRules])
        .filter((rule): rule is CSSPageRule => rule instanceof CSSPageRule)
        .map((rule) => ({
          name: rule.selectorText,
          size: rule.style.getPropertyValue('size').toUpperCase(),
        }));
      const display = (selector: string) => {
        const el = document.querySelector(selector);
        return el ? getComputedStyle(el).display : 'missing';
      };
      return {
        pageRules,
        topbar: display('.topbar'),
        toolbar: display('.print-toolbar'),
        sheet: display('.form-sheet'),
      };
    });
    // Laid out at the width of an A5 page inside its margins (128 mm), the form fits its height (190 mm).
    await page.setViewportSize({ width: 484, height: 718 });
    const sheetBox = await page.locator('.form-sheet').boundingBox();
    expect(sheetBox?.width).toBeLessThanOrEqual(484);
    expect(sheetBox?.height).toBeLessThanOrEqual(718);
    expect(layout.pageRules).toContainEqual({ name: '', size: 'A5' });
    expect(layout.topbar).toBe('none');
    expect(layout.toolbar).toBe('none');
    expect(layout.sheet).toBe('block');
    // The PDF Chromium prints: one A5 page (148 × 210 mm = 419.5 × 595.3 pt).
    const pdfBytes = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pdf = pdfBytes.toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
      Math.round(Number(m[1])),
      Math.round(Number(m[2])),
    ]);
    expect(boxes).toEqual([[420, 595]]);
    await page.setViewportSize({ width: 559, height: 794 });
    await shot(page, 'print-receipt');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });

    const leader = await newPage();
    await signIn(leader, 'leader');
    for (const [dossierCode, kind, number] of [
      [code, 'control-sheet', 'Mẫu số'],
      [stopped.code, 'stop-notice', 'Mẫu số 05'],
      [apologized, 'apology', 'Mẫu số 04'],
    ] as const) {
      await leader.goto(url(`/console/#/bieu-mau/${dossierCode}/${kind}`));
      const sheet = leader.locator(`.form-sheet[data-kind="${kind}"]`);
      await sheet.waitFor();
      expect(await sheet.textContent()).toContain(number);
      if (kind === 'control-sheet') {
        expect(await sheet.locator('.form-lines tbody tr').count()).toBeGreaterThan(0);
        await leader.emulateMedia({ media: 'print' });
        const sheetPdf = (await leader.pdf({ preferCSSPageSize: true })).toString('latin1');
        const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(sheetPdf);
        // The control sheet's table goes on A5 landscape.
        expect([Math.round(Number(box?.[1])), Math.round(Number(box?.[2]))]).toEqual([595, 420]);
        await leader.emulateMedia({ media: 'screen' });
        await shot(leader, 'control-sheet');
      }
    }
    await leader.close();
    await page.close();
  }, 120_000);
});
