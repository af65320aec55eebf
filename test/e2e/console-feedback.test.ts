/**
 * Feedback and petitions (phản ánh, kiến nghị) in Chromium over the real system
 * (test/support/console-system.ts): a citizen on a phone sends one with the keyboard only and
 * follows it; the officials of the unit list it, accept and classify it, the leader assigns the
 * specialist, who asks for a supplement that the citizen gives and assesses the regulation against
 * the six criteria; the leader answers and publishes; the citizen reads the answer and rates it; the
 * supervisor's dashboard counts it in group 5 without a reload; a letter received by post months ago
 * is flagged overdue. Every screen is checked with axe-core.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.js';
import { type ConsoleSystem, startConsoleSystem } from '../support/console-system.js';
import { tabTo } from '../support/keyboard.js';

declare const document: {
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; notReloaded?: boolean };

/** Sở Xây dựng: the console's feedback goes there (other test files count theirs elsewhere or in their own counters). */
const construction = { code: '000.00.12.H99', name: 'Sở Xây dựng' };
const phone = { width: 390, height: 844 };
const specialist = {
  sub: 'chuyen-vien-so-xay-dung',
  name: 'Chuyên viên Sở Xây dựng',
  unit: construction.code,
  role: 'specialist' as const,
};
const leader = {
  sub: 'lanh-dao-so-xay-dung',
  name: 'Lãnh đạo Sở Xây dựng',
  unit: construction.code,
  role: 'leader' as const,
};

let system: ConsoleSystem;

beforeAll(async () => {
  system = await startConsoleSystem('tthc-console-feedback');
});

afterAll(async () => {
  await system?.stop();
});

afterEach(() => {
  expect(system.pageErrors.splice(0)).toEqual([]);
});

const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

/**
 * Opens an action's dialog from the keyboard (Tab to its button, Enter), fills it with `fill`,
 * sends it from the keyboard and waits for the timeline to show the action.
 */
async function act(page: Page, action: string, fill: (dialog: ReturnType<Page['locator']>) => Promise<void>) {
  await tabTo(page, `button.action[data-action="${action}"]`);
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await fill(dialog);
  await expectAccessible(page, `feedback ${action} dialog`);
  await tabTo(page, 'dialog[open] button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.locator(`.timeline li[data-action="${action}"]`).waitFor();
}

const offered = (page: Page) =>
  page
    .locator('button.action')
    .evaluateAll((buttons) =>
      buttons.map((b) => (b as unknown as { dataset: { action: string } }).dataset.action),
    );

let sent: { id: string; secret: string } | undefined;

describe('feedback and petitions in the console', () => {
  it('a citizen on a phone sends one with the keyboard only and gets its id and lookup secret', async () => {
    const page = await system.newPage({ viewport: phone });
    await page.goto(system.url('/console/#/phan-anh-kien-nghi'));
    await page.getByRole('heading', { name: 'Gửi phản ánh, kiến nghị', level: 1 }).waitFor();
    await tabTo(page, 'select[name="receivingUnit"]');
    const options = await page.locator('select[name="receivingUnit"] option').allTextContents();
    for (let i = 0; i < options.indexOf(construction.name); i++) await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('select[name="receivingUnit"]')).toBe(construction.code);
    // Nothing typed yet: the form says what is missing, each message a button to its field.
    await tabTo(page, 'form.feedback-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.locator('.error-summary [role="alert"]').waitFor();
    expect(await page.locator('.error-summary').textContent()).toContain('Nhập họ và tên');
    await tabTo(page, 'input[name="fullName"]');
    await page.keyboard.type('Đặng Thị Phản Ánh');
    await page.keyboard.press('Tab');
    await page.keyboard.type('079195001234');
    await tabTo(page, 'input[name="phone"]');
    await page.keyboard.type('0905333444');
    await page.keyboard.press('Tab');
    await page.keyboard.type('9 Hùng Vương, Quảng Ngãi');
    await tabTo(page, 'textarea[name="content"]');
    await page.keyboard.type(
      'Đề nghị không yêu cầu nộp bản sao giấy phép xây dựng đã cấp khi xin gia hạn, vì cơ quan đã lưu.',
    );
    expect(await fitsWidth(page)).toBe(true);
    await system.shot(page, 'feedback-form-phone');
    await expectAccessible(page, 'citizen feedback form (phone)');
    await tabTo(page, 'form.feedback-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Đã gửi phản ánh, kiến nghị' }).waitFor();
    const id = ((await page.locator('dd.feedback-id').textContent()) ?? '').trim();
    const secret = ((await page.locator('dd.lookup-secret').textContent()) ?? '').trim();
    expect(id).toMatch(/^PAKN-000\.00\.12\.H99-\d{6}-\d{4}$/);
    expect(secret).toMatch(/^[A-Z2-7]{10}$/);
    sent = { id, secret };
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'citizen feedback receipt (phone)');
    await page.close();
  }, 60_000);

  it('the unit lists it, accepts and classifies it, the leader assigns it, a supplement the citizen gives, assessed, answered and published; the dashboard follows live', async () => {
    const { id, secret } = sent ?? { id: '', secret: '' };

    // The province's supervisor watches the dashboard for Sở Xây dựng.
    const dashboard = await system.newPage();
    await system.signIn(dashboard, 'supervisor');
    await dashboard.locator('.live-badge[data-state="live"]').waitFor();
    await dashboard.selectOption('#unit-select', construction.code);
    await dashboard.locator(`.board[data-unit="${construction.code}"] tr[data-indicator="5.2"]`).waitFor();
    // 5.1 counts the feedback classified (by topic) among those received: the acceptance changes it.
    const row51 = () => dashboard.locator('tr[data-indicator="5.1"] td:nth-child(3)').textContent();
    const before = (await row51()) ?? '';
    await dashboard.evaluate(() => {
      window.notReloaded = true;
    });

    const desk = await system.newPage();
    await system.signInAs(desk, specialist, '#/phan-anh');
    const row = desk.locator(`tr[data-id="${id}"]`);
    await expect
      .poll(async () => {
        await desk.getByRole('button', { name: 'Làm mới' }).click();
        return row.isVisible();
      })
      .toBe(true);
    expect(await row.getAttribute('data-overdue')).toBe('false');
    expect(await row.textContent()).toContain('Chờ tiếp nhận');
    await system.shot(desk, 'feedback-list');
    await expectAccessible(desk, 'feedback list');
    await row.getByRole('link', { name: id }).click();
    await desk.locator('#feedback-title').waitFor();
    expect(await offered(desk)).toEqual(['accept', 'reject', 'forward', 'request-supplement']);
    await act(desk, 'accept', async (dialog) => {
      await dialog.getByLabel('Quy định, chính sách, thủ tục hành chính').check();
    });
    expect(await desk.locator('dd.assignee').textContent()).toBe('Chưa phân công');

    // The unit's leader assigns the specialist; the specialist's page shows it without a reload.
    const head = await system.newPage();
    await system.signInAs(head, leader, `#/phan-anh/${id}`);
    await head.locator('#feedback-title').waitFor();
    expect(await offered(head)).toEqual(['assign', 'request-supplement', 'assess']);
    await act(head, 'assign', async (dialog) => {
      await dialog.getByLabel('Mã cán bộ của chuyên viên').fill(specialist.sub);
      await dialog.getByLabel('Họ tên chuyên viên').fill(specialist.name);
    });
    await expect.poll(() => desk.locator('dd.assignee').textContent()).toContain(specialist.name);
    expect(await offered(desk)).not.toContain('assign');
    await act(desk, 'request-supplement', async (dialog) => {
      await dialog
        .getByLabel('Nội dung đề nghị bổ sung')
        .fill('Ông/bà cho biết số giấy phép xây dựng đã cấp.');
    });

    // The citizen reads the question on the lookup and answers it.
    const citizen = await system.newPage({ viewport: phone });
    await citizen.goto(system.url('/console/#/tra-cuu-phan-anh'));
    await citizen.getByLabel('Mã phản ánh, kiến nghị').fill(id);
    await citizen.getByLabel('Mã tra cứu').fill(secret.toLowerCase());
    await citizen.getByRole('button', { name: 'Tra cứu' }).click();
    await citizen.locator('.supplement-reply').waitFor();
    expect(await citizen.locator('.supplement-reply').textContent()).toContain('số giấy phép xây dựng');
    expect(await citizen.locator('.feedback-status').textContent()).toBe('Đang xử lý');
    expect(await fitsWidth(citizen)).toBe(true);
    await system.shot(citizen, 'feedback-lookup-phone');
    await expectAccessible(citizen, 'citizen feedback lookup (phone)');
    await citizen.getByLabel('Thông tin bổ sung').fill('Giấy phép xây dựng số 123/GPXD ngày 05/03/2025.');
    await citizen.getByRole('button', { name: 'Gửi thông tin bổ sung' }).click();
    await citizen.locator('.supplement-reply').waitFor({ state: 'detached' });

    // The specialist's page follows (live) and offers the assessment.
    await expect
      .poll(() => desk.locator('section[aria-labelledby="feedback-content-title"]').textContent())
      .toContain('123/GPXD');
    await act(desk, 'assess', async (dialog) => {
      for (const box of await dialog.locator('input[type="checkbox"]').all()) await box.check();
      await dialog.getByLabel('Nhận xét').fill('Yêu cầu nộp lại bản sao là không cần thiết.');
    });
    expect(await offered(desk)).not.toContain('answer');
    await system.shot(desk, 'feedback');
    await expectAccessible(desk, 'feedback page');

    await act(head, 'answer', async (dialog) => {
      await dialog.getByLabel('Nội dung trả lời').fill('Sở sẽ bỏ yêu cầu nộp bản sao giấy phép đã cấp.');
      await dialog.getByLabel('Hướng xử lý').selectOption('sua-doi');
    });
    await act(head, 'publish', async () => undefined);
    expect(await head.locator('.status-badge').textContent()).toBe('Đã công khai');

    // The citizen reads the answer and rates it, once.
    await citizen.getByRole('button', { name: 'Tra cứu' }).click();
    await citizen.locator('.feedback-answer').waitFor();
    expect(await citizen.locator('.feedback-answer').textContent()).toContain('bỏ yêu cầu nộp bản sao');
    await citizen.getByLabel('Hài lòng', { exact: true }).check();
    await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await citizen.locator('.feedback-rated').waitFor();

    // Group 5 of the dashboard counted it without a reload.
    await expect.poll(row51, { timeout: 20_000 }).not.toBe(before);
    expect(await dashboard.evaluate(() => window.notReloaded)).toBe(true);
    for (const page of [dashboard, desk, citizen, head]) await page.close();
  }, 180_000);

  it('a counter officer registers one received at the counter; the list shows it', async () => {
    const page = await system.newPage();
    await system.signIn(page, 'counter-officer', '#/phan-anh/moi');
    await page.getByRole('heading', { name: 'Tiếp nhận phản ánh, kiến nghị', level: 1 }).waitFor();
    await page.getByLabel('Hình thức tiếp nhận').selectOption('direct');
    await page.getByLabel('Hồ sơ đã nộp').check();
    await page.getByLabel('Mã số hồ sơ').fill('000.01.41.H99-260423-0001');
    await page.getByLabel('Họ và tên').fill('Lý Văn Quầy');
    await page.getByLabel('Số định danh cá nhân').fill('079195004321');
    await page.getByLabel('Số điện thoại').fill('0905666777');
    await page.getByLabel('Địa chỉ liên hệ').fill('3 Lê Lợi');
    await page
      .getByLabel('Nội dung phản ánh, kiến nghị')
      .fill('Cán bộ hẹn trả kết quả nhưng chưa trả đúng hẹn.');
    await expectAccessible(page, 'officials register a feedback');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await page.locator('#feedback-title').waitFor();
    expect(await offered(page)).toContain('forward');
    const id = ((await page.locator('#feedback-title').textContent()) ?? '').replace(
      'Phản ánh, kiến nghị ',
      '',
    );
    await page.goto(system.url('/console/#/phan-anh'));
    // The list comes from visibility, which follows the workflow a moment later.
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Làm mới' }).click();
        return page.locator(`tr[data-id="${id}"]`).isVisible();
      })
      .toBe(true);
    await page.close();
  }, 60_000);

  it('a letter received by post months ago is registered with its date; its limits have passed and the list flags it overdue', async () => {
    const received = new Date(Date.now() + 7 * 3_600_000 - 90 * 86_400_000).toISOString().slice(0, 10);
    const [y, m, d] = received.split('-');
    const page = await system.newPage();
    await system.signIn(page, 'counter-officer', '#/phan-anh/moi');
    await page.getByRole('heading', { name: 'Tiếp nhận phản ánh, kiến nghị', level: 1 }).waitFor();
    await page.getByLabel('Hình thức tiếp nhận').selectOption('postal');
    // A date after today is refused before anything is sent.
    await page.getByLabel('Ngày nhận (không bắt buộc)').fill('31/12/2099');
    await page.getByLabel('Họ và tên').fill('Trương Văn Thư');
    await page.getByLabel('Số định danh cá nhân').fill('079195004322');
    await page.getByLabel('Số điện thoại').fill('0905666778');
    await page.getByLabel('Địa chỉ liên hệ').fill('8 Phan Bội Châu');
    await page.getByLabel('Nội dung phản ánh, kiến nghị').fill('Thư kiến nghị về thời gian cấp phép.');
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await expect
      .poll(() => page.locator('.error-summary [role="alert"]').textContent())
      .toContain('Ngày nhận không được sau hôm nay.');
    expect(page.url()).toContain('#/phan-anh/moi');
    await page.getByLabel('Ngày nhận (không bắt buộc)').fill(`${Number(d)}/${Number(m)}/${y}`);
    await page.getByLabel('Nội dung phản ánh, kiến nghị').focus();
    expect(await page.inputValue('input[name="receivedOn"]')).toBe(`${d}/${m}/${y}`);
    await page.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await page.locator('#feedback-title').waitFor();
    const id = ((await page.locator('#feedback-title').textContent()) ?? '').replace(
      'Phản ánh, kiến nghị ',
      '',
    );
    expect(await page.locator('main').textContent()).toContain(`${d}/${m}/${y}`);

    // In the list, with only the overdue ones shown: flagged, in words as well as in colour.
    await page.goto(system.url('/console/#/phan-anh'));
    await page.locator('#feedback-overdue-only').check();
    const row = page.locator(`tr[data-id="${id}"]`);
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Làm mới' }).click();
          return (await row.isVisible()) && (await row.getAttribute('data-overdue'));
        },
        { timeout: 30_000 },
      )
      .toBe('true');
    expect(await row.textContent()).toContain('Quá hạn');
    await system.shot(page, 'feedback-overdue');
    await expectAccessible(page, 'feedback list, overdue only');
    await page.close();
  }, 90_000);
});
