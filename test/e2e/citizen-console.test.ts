/**
 * The citizens' online public services (web/citizen.html) in a real browser: Debian's Chromium
 * driven by playwright-core, on a phone-sized viewport, against the API listening on a real port
 * over real workflows, the embedded identity provider and the payment-gateway emulator.
 *
 * A citizen signs in, finds a procedure, fills its e-form, uploads two components, reviews and
 * submits, pays at the gateway; the counter accepts it from the online inbox of the officials' console; the
 * dossier runs to its signed result; the citizen sees it live, checks the signature, downloads
 * the e-result and rates the service. A second citizen submits with the keyboard alone.
 * Screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (else to a temporary folder).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';
import { type CitizenStack, startCitizenStack, type TestCitizen } from '../support/citizen-stack.js';
import { demoUnits } from '../support/fixtures.js';

// Browser globals used inside page.evaluate callbacks (the project compiles without lib.dom).
declare const document: {
  activeElement: {
    id: string;
    name?: string;
    tagName: string;
    getAttribute(n: string): string | null;
  } | null;
  documentElement: { scrollWidth: number };
  querySelectorAll(selector: string): Iterable<{
    type: string;
    name: string;
    labels: ArrayLike<unknown> | null;
    getAttribute(n: string): string | null;
  }>;
};
declare const window: { innerWidth: number };

const PROCEDURE = '1.004222';
const projectRoot = new URL('../../', import.meta.url).pathname;
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? join(projectRoot, 'docs', 'screenshots')
  : join(tmpdir(), 'tthc-citizen-screenshots');
const phone = { width: 390, height: 844 };

let stack: CitizenStack;
let browser: Browser | undefined;
/** Browsers a test launched for itself; closed after the file, whatever happened. */
const ownBrowsers: Browser[] = [];
const pageErrors: string[] = [];

const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  stack = await startCitizenStack({
    uploadLimitBytes: 1024 * 1024,
    dossierUploadLimitBytes: 5 * 1024 * 1024,
    draftRetentionDays: 30,
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const own of ownBrowsers) await own.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function phonePage(on: Browser = browser as Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await on.newContext({
    viewport: phone,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page };
}

/** Every citizen screen the test reaches is checked with axe-core, then photographed. */
async function shot(page: Page, name: string): Promise<void> {
  await expectAccessible(page, `citizen ${name}`);
  await page.screenshot({ path: join(screenshots, `citizen-${name}.png`), fullPage: true });
}

async function signIn(page: Page, citizen: TestCitizen): Promise<void> {
  await page.goto(`${stack.apiUrl}/console/citizen.html`);
  await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản định danh điện tử' }).click();
  await page.locator('input[name="username"]').waitFor();
  await page.fill('input[name="username"]', citizen.id);
  await page.fill('input[name="password"]', citizen.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { name: 'Hồ sơ của tôi' }).waitFor();
  await expect(page.locator('.user-name').textContent()).resolves.toContain(citizen.name);
}

async function official(role: 'counter-officer' | 'leader' | 'specialist', unit: string, sub?: string) {
  return stack.identity.token({ sub: sub ?? `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role });
}

async function act(code: string, action: string, token: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/v1/dossiers/${code}/actions/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${action}: ${await response.clone().text()}`).toBe(200);
}

/** The counter officer signs in to the officials' console and accepts the dossier from the online inbox. */
async function counterAccepts(code: string): Promise<void> {
  const account = {
    id: `mot-cua-${process.pid}`,
    password: 'mat-khau-mot-cua-1',
    name: 'Cán bộ một cửa Cẩm Thành',
    unit: demoUnits.camThanhOneStop,
    role: 'counter-officer' as const,
  };
  stack.identity.account(account);
  const context = await (browser as Browser).newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${stack.apiUrl}/console/#/quay`);
  await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cán bộ' }).click();
  await page.locator('input[name="username"]').waitFor();
  await page.fill('input[name="username"]', account.id);
  await page.fill('input[name="password"]', account.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.locator('#hop-thu-truc-tuyen h2').waitFor();
  // Temporal's visibility catches up within a few seconds: the inbox is read again until it lists the dossier.
  const row = page.locator(`#hop-thu-truc-tuyen tr[data-code="${code}"]`);
  for (let attempt = 0; attempt < 20 && (await row.count()) === 0; attempt++) {
    await page.waitForTimeout(500);
    await page.reload();
    await page.locator('#hop-thu-truc-tuyen h2').waitFor();
    await page.waitForTimeout(300);
  }
  await expect(row.textContent()).resolves.toContain('Đã thanh toán');
  await expectAccessible(page, 'online inbox');
  await page
    .locator('#hop-thu-truc-tuyen')
    .screenshot({ path: join(screenshots, 'citizen-9-hop-thu-truc-tuyen.png') });
  await row.getByRole('button', { name: 'Tiếp nhận' }).click();
  await page.getByText(`Đã tiếp nhận hồ sơ ${code}`).waitFor();
  await context.close();
}

/** Every form control of the page has a label (or an aria-label): screen readers name each one. */
async function everyControlLabelled(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter(
        (el) => el.type !== 'hidden' && (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'),
      )
      .map((el) => el.name || el.type),
  );
  expect(unlabelled).toEqual([]);
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

describe('the citizens’ online public services in Chromium', () => {
  it('a citizen on a phone submits with two uploads, pays, and receives and rates the signed result', async () => {
    const { context, page } = await phonePage();
    await signIn(page, stack.citizens.an);
    await shot(page, '1-ho-so-cua-toi');

    await page.getByRole('link', { name: 'Nộp hồ sơ mới' }).click();
    await page.fill('#tim-thu-tuc', 'dang ky thuong tru');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.locator(`button[data-procedure="${PROCEDURE}"]`).click();
    await page.locator('#e-form').waitFor();
    await noSidewaysScroll(page);
    await everyControlLabelled(page);

    await page.selectOption('#noi-nop', `${demoUnits.camThanhOneStop}|${demoUnits.camThanhCommittee}`);
    await page.fill('[name="applicant.fullName"]', 'Nguyễn Văn An');
    await page.fill('[name="applicant.dateOfBirth"]', '1990-05-17');
    await page.fill('[name="applicant.phone"]', '0912345678');
    await page.fill('[name="applicant.address"]', 'Số 1 Lê Lợi, Phường Cẩm Thành');
    // A file of another type is refused beside its field (415), whatever its name says.
    await page.setInputFiles('[name="tp-to-khai-thay-doi-thong-tin-cu-tru"]', {
      name: 'to-khai.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('<html>không phải PDF</html>'),
    });
    await expect(page.locator('.field-error:not([hidden])').first().textContent()).resolves.toContain(
      'Chỉ nhận tệp PDF, JPEG hoặc PNG',
    );
    await page.setInputFiles('[name="tp-to-khai-thay-doi-thong-tin-cu-tru"]', {
      name: 'Tờ khai CT01.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('to khai'),
    });
    await page.locator('#tp-to-khai-thay-doi-thong-tin-cu-tru-trang-thai .done').waitFor();
    await page.setInputFiles('[name="tp-giay-to-chung-minh-cho-o-hop-phap"]', {
      name: 'Hợp đồng thuê nhà.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await page.locator('#tp-giay-to-chung-minh-cho-o-hop-phap-trang-thai .done').waitFor();
    await page.locator('#trang-thai-luu', { hasText: 'Đã lưu bản nháp' }).waitFor();
    await shot(page, '2-to-khai-dien-tu');

    await page.locator('#xem-lai').click();
    await page.getByRole('heading', { name: 'Xem lại hồ sơ trước khi nộp' }).waitFor();
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('Hợp đồng thuê nhà.png');
    await shot(page, '3-xem-lai');
    await page.locator('#nop-ho-so').click();
    await page.locator('#trang-thai', { hasText: 'Chờ tiếp nhận' }).waitFor();
    const code = decodeURIComponent(new URL(page.url()).hash.replace('#/ho-so/', '').split('?')[0] ?? '');
    expect(code).toMatch(/^000\.01\.41\.H99-\d{6}-\d{4}$/);

    // Payment at the gateway's page, then back.
    await page.locator('#thanh-toan').click();
    await page.getByRole('heading', { name: 'Cổng thanh toán (mô phỏng)' }).waitFor();
    await expect(page.locator('#so-tien').textContent()).resolves.toContain('10.000');
    await shot(page, '4-cong-thanh-toan');
    await page.getByRole('button', { name: 'Thanh toán', exact: true }).click();
    await page.locator('#tai-bien-lai').waitFor();
    await shot(page, '5-da-thanh-toan');
    const state = (await stack.system.client.get(code)).state;
    expect(state.payments).toEqual([expect.objectContaining({ amountVnd: 10_000, channel: 'local-portal' })]);
    const receipt = page.waitForEvent('download');
    await page.locator('#tai-bien-lai').click();
    expect((await receipt).suggestedFilename()).toBe(`${code}-bien-lai.pdf`);

    // The counter accepts from its online inbox in the officials' console; the citizen's page follows live.
    await counterAccepts(code);
    await page.locator('#trang-thai', { hasText: 'Mới tiếp nhận' }).waitFor({ timeout: 8_000 }); // live: the event stream, not the 15 s fallback read
    await page.locator('#phieu-receipt').waitFor();
    const leader = await official('leader', demoUnits.camThanhCommittee);
    const specialist = await official('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1');
    await act(code, 'assign', leader, { specialist: { id: 'chuyen-vien-1', name: 'Chuyên viên 1' } });
    await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
    await act(code, 'approve', leader, { note: 'Đăng ký thường trú cho công dân Nguyễn Văn An' });
    // No counter officer hands anything over: the citizen's download is the return (toàn trình).
    await page.locator('#tai-ket-qua').waitFor({ timeout: 8_000 });
    expect((await stack.system.client.get(code)).state.status).toBe('DA_XU_LY_XONG');

    await noSidewaysScroll(page);
    await everyControlLabelled(page);
    await page.locator('#kiem-tra').click();
    await expect(page.locator('#kiem-tra-chu-ky .verified').textContent()).resolves.toContain(
      'Chữ ký số hợp lệ',
    );
    const result = page.waitForEvent('download');
    await page.locator('#tai-ket-qua').click();
    const downloaded = await result;
    expect(downloaded.suggestedFilename()).toBe(`${code}-ket-qua.pdf`);
    await page.locator('#trang-thai', { hasText: 'Đã trả kết quả' }).waitFor({ timeout: 8_000 });
    expect((await stack.system.client.get(code)).state).toMatchObject({
      status: 'DA_TRA_KET_QUA',
      returnChannel: 'online',
    });
    await shot(page, '6-ket-qua');

    await page.locator('#q1-2').check();
    await page.locator('#q2-2').check();
    await page.locator('#q3-1').check();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByText('Cảm ơn bạn đã đánh giá mức độ hài lòng.').waitFor();
    expect((await stack.system.client.get(code)).state.evaluation?.scores).toEqual({
      '1': 2,
      '2': 2,
      '3': 1,
    });
    await shot(page, '7-danh-gia');
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('a citizen submits with the keyboard alone', async () => {
    // A browser of its own: in the one the first test used (downloads, file inputs filled by the
    // test), a focused file input's chooser did not open from the keyboard.
    const own = await launchChromium();
    ownBrowsers.push(own);
    const { context, page } = await phonePage(own);
    await signIn(page, stack.citizens.binh);

    /** Presses Tab until the focused element matches; fails after 60 presses. */
    const tabTo = async (
      matches: (el: { id: string; name?: string; tagName: string; text: string }) => boolean,
    ) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as unknown as {
            id: string;
            tagName: string;
            getAttribute(n: string): string | null;
            textContent?: string;
          } | null;
          return el
            ? {
                id: el.id,
                name: el.getAttribute('name') ?? undefined,
                tagName: el.tagName,
                text: el.textContent ?? '',
              }
            : undefined;
        });
        if (focused && matches(focused)) return;
      }
      throw new Error('the element was never reached with Tab');
    };

    await tabTo((el) => el.id === 'nop-moi');
    await page.keyboard.press('Enter');
    await page.locator('#tim-thu-tuc').waitFor();
    await tabTo((el) => el.id === 'tim-thu-tuc');
    await page.keyboard.type('thuong tru');
    await page.keyboard.press('Enter');
    await page.locator(`button[data-procedure="${PROCEDURE}"]`).waitFor();
    await tabTo((el) => el.tagName === 'BUTTON' && el.text.includes('Đăng ký thường trú'));
    await page.keyboard.press('Enter');
    await page.locator('#e-form').waitFor();

    await tabTo((el) => el.id === 'noi-nop');
    await page.keyboard.press('ArrowDown');
    const typeInto = async (name: string, text: string) => {
      await tabTo((el) => el.name === name);
      await page.keyboard.type(text);
    };
    await typeInto('applicant.fullName', 'Trần Thị Bình');
    await tabTo((el) => el.name === 'applicant.dateOfBirth');
    await page.keyboard.type('02031985');
    await typeInto('applicant.phone', '0987654321');
    await typeInto('applicant.address', 'Số 5 Trần Phú, Phường Cẩm Thành');
    for (const [kind, name, buffer] of [
      ['to-khai-thay-doi-thong-tin-cu-tru', 'to-khai.pdf', pdf('ban phim')],
      ['giay-to-chung-minh-cho-o-hop-phap', 'so-do.pdf', pdf('so do')],
    ] as const) {
      await tabTo((el) => el.name === `tp-${kind}`);
      // Space opens the file chooser of a focused file input (Enter too); on a loaded machine the
      // first press can come before the page is ready to open it, so it is pressed again.
      let chosen = false;
      for (const key of ['Space', 'Enter', 'Space']) {
        const chooser = page.waitForEvent('filechooser', { timeout: 5_000 }).catch(() => undefined);
        await page.keyboard.press(key);
        const opened = await chooser;
        if (opened) {
          await opened.setFiles({ name, mimeType: 'application/pdf', buffer });
          chosen = true;
          break;
        }
      }
      expect(chosen, `a file chooser opened from the keyboard for ${kind}`).toBe(true);
      await page.locator(`#tp-${kind}-trang-thai .done`).waitFor();
    }
    await tabTo((el) => el.id === 'xem-lai');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Xem lại hồ sơ trước khi nộp' }).waitFor();
    await tabTo((el) => el.id === 'nop-ho-so');
    await page.keyboard.press('Enter');
    await page.locator('#trang-thai', { hasText: 'Chờ tiếp nhận' }).waitFor();
    await shot(page, '8-nop-bang-ban-phim');
    const code = decodeURIComponent(new URL(page.url()).hash.replace('#/ho-so/', '').split('?')[0] ?? '');
    const view = await stack.system.client.get(code);
    expect(view.state.application.channel).toBe('online');
    expect(view.state.components.map((c) => c.kind).sort()).toEqual([
      'giay-to-chung-minh-cho-o-hop-phap',
      'to-khai-thay-doi-thong-tin-cu-tru',
    ]);
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
