/**
 * Indicators 3.5 and 3.6 of the Decision 766 service index (DOMAIN.md §2.3, "Group 3b — Thanh toán
 * trực tuyến") counted from real online payment events, end to end: a citizen submits a dossier of a
 * fee-bearing procedure online, the counter accepts it, the citizen pays its 10 000 đ through the
 * payment gateway emulator (signed redirect → the emulator pays → its signed IPN to the API → the
 * payment recorded on the workflow → the payment-recorded event); a second dossier of the same
 * procedure, same unit and period, is received at the counter and paid in cash there. The portal
 * sync service sends both to the portal emulator, whose acknowledgement makes them synced, and the
 * indicator aggregator counts them: 3.6 = 1 of 2 = 50 %, 3.5 and 3.5b mark the procedure; a
 * rebuild from the stream gives the same figures.
 *
 * The counts are exact, so the stack runs on a nats-server and a time-skipping Temporal of its own
 * (other test files' dossiers never reach its stream, and no other file's workers take its tasks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { rebuildIndicators } from '../../aggregators/rebuild.js';
import { type CivilDate, toCivilDate } from '../../domain/time.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { type PeriodKind, periodOf } from '../../indicators/periods.js';
import { verifySignature } from '../../infra/payment-gateway.js';
import { PortalEmulator } from '../../portal/portal-emulator.js';
import type { PortalSyncService } from '../../portal/portal-sync-service.js';
import { startPortalSync } from '../../portal/portal-sync-setup.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type CitizenStack, startCitizenStack } from '../support/citizen-stack.js';
import { emulatedPortalSettings } from '../support/emulated-portal.js';
import { demoUnits } from '../support/fixtures.js';
import { payAtGateway } from '../support/pay-at-gateway.js';
import { testLogger } from '../support/test-logging.js';

/** Đăng ký thường trú: 20 000 đ at the counter, 10 000 đ online (data/procedures/catalogue.json). */
const PROCEDURE = '1.004222';
const oneStop = demoUnits.camThanhOneStop;
const committee = demoUnits.camThanhCommittee;
const organisation = loadOrganisation('demo');
const logger = testLogger('test-online-payment-indicators');

let stack: CitizenStack | undefined;
let emulator: PortalEmulator | undefined;
let sync: PortalSyncService | undefined;
let indicators: IndicatorService | undefined;

/** The dossier paid online through the gateway, and the one paid in cash at the counter. */
let paidOnline = '';
let paidInCash = '';
let period = '';

const live = (): CitizenStack => {
  if (!stack) throw new Error('the citizen stack did not start');
  return stack;
};

beforeAll(async () => {
  stack = await startCitizenStack({
    uploadLimitBytes: 64 * 1024,
    dossierUploadLimitBytes: 256 * 1024,
    draftRetentionDays: 30,
    privateServers: true,
    indicators: true,
  });
  emulator = await PortalEmulator.start();
  indicators = await IndicatorService.start(stack.system.nc, logger);
}, 180_000);

afterAll(async () => {
  // Each step on its own: one that fails does not keep the others from stopping.
  await sync?.stop().catch(() => undefined);
  await indicators?.stop().catch(() => undefined);
  await emulator?.stop().catch(() => undefined);
  await stack?.stop();
}, 60_000);

/** The portal sync service, started once both dossiers are paid (so the test sees them unsynced first). */
function startSync(portal: PortalEmulator): Promise<PortalSyncService> {
  const { system } = live();
  return startPortalSync({
    nc: system.nc,
    temporal: system.temporal,
    dataKeys: system.protection.dataKeys,
    settings: emulatedPortalSettings(portal.url),
    organisation,
    catalogue: loadCatalogue().procedures,
    logger,
    maxBackoffMs: 1_000,
  });
}

const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown) {
  return live().app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

const official = (role: 'counter-officer' | 'leader', unit: string) =>
  live().identity.token({ sub: `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role });

async function acceptedDate(code: string): Promise<CivilDate> {
  const acceptedAt = (await live().system.client.get(code)).state.acceptedAt;
  expect(acceptedAt).toBeDefined();
  return toCivilDate(acceptedAt as number);
}

/** The smallest period holding both acceptances: the month, unless the run straddles its end. */
function commonPeriod(a: CivilDate, b: CivilDate): string {
  for (const kind of ['month', 'quarter', 'year'] as PeriodKind[]) {
    const [pa, pb] = [periodOf(kind, a), periodOf(kind, b)];
    if (pa !== undefined && pa === pb) return pa;
  }
  throw new Error(`no common period for ${a} and ${b}`);
}

async function scoreboard() {
  const response = await call(
    'GET',
    `/v1/indicators?unit=${committee}&period=${period}`,
    await official('leader', committee),
  );
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    counters: Record<string, number>;
    scoreboard: {
      indicators: Array<{ id: string; numerator: number; denominator: number; rate: number | null }>;
    };
  };
}

const indicator = (board: Awaited<ReturnType<typeof scoreboard>>, id: string) =>
  board.scoreboard.indicators.find((i) => i.id === id);

/** Procedures of the committee's tier with a fee ≠ 0 in the catalogue: 3.5's denominator (Y). */
function proceduresWithFees(): number {
  const tier = organisation.tierOf(committee).id;
  const codes = loadCatalogue()
    .procedures.filter((p) => p.level === tier && p.fees.some((fee) => fee.amountVnd > 0))
    .map((p) => p.code);
  return new Set(codes).size;
}

describe('indicators 3.5 and 3.6 from real online payments (DOMAIN.md §2.3, Group 3b — Thanh toán trực tuyến)', () => {
  it('a citizen submits a dossier of a fee-bearing procedure online and the counter accepts it', async () => {
    const token = await live().citizenToken('an');
    const draft = await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE });
    expect(draft.statusCode, draft.body).toBe(201);
    const draftId = draft.json().id as string;
    const filled = await call('PUT', `/v1/citizen/drafts/${draftId}`, token, {
      receivingUnit: oneStop,
      competentAgency: committee,
      applicant: {
        fullName: 'Nguyễn Văn An',
        phone: '0912345678',
        dateOfBirth: '1990-05-17',
        address: 'Số 1 Lê Lợi, Phường Cẩm Thành',
      },
      notificationChannel: 'none',
    });
    expect(filled.statusCode, filled.body).toBe(200);
    for (const kind of ['to-khai-thay-doi-thong-tin-cu-tru', 'giay-to-chung-minh-cho-o-hop-phap']) {
      const uploaded = await live().app.inject({
        method: 'PUT',
        url: `/v1/citizen/drafts/${draftId}/documents/${kind}?name=${kind}.pdf`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        payload: pdf(`${kind} ${Date.now()}`),
      });
      expect(uploaded.statusCode, uploaded.body).toBe(200);
    }
    expect((await call('GET', `/v1/citizen/drafts/${draftId}`, token)).json().errors).toEqual([]);
    const submitted = await call('POST', `/v1/citizen/drafts/${draftId}/submit`, token);
    expect(submitted.statusCode, submitted.body).toBe(201);
    paidOnline = submitted.json().code;

    const accepted = await call(
      'POST',
      `/v1/dossiers/${paidOnline}/actions/accept-intake`,
      await official('counter-officer', oneStop),
      {},
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    const view = (await call('GET', `/v1/citizen/dossiers/${paidOnline}`, token)).json();
    expect(view).toMatchObject({ status: 'MOI_TIEP_NHAN', payment: { dueVnd: 10_000, paid: false } });
  });

  it('the citizen pays 10 000 đ through the gateway: signed redirect, the emulator pays, its signed IPN is recorded on the workflow as an online payment', async () => {
    const { merchant, gateway, payments, system } = live();
    const token = await live().citizenToken('an');
    const order = await call('POST', `/v1/citizen/dossiers/${paidOnline}/payments`, token);
    expect(order.statusCode, order.body).toBe(201);
    const { redirect, txnRef, amountVnd } = order.json() as {
      redirect: string;
      txnRef: string;
      amountVnd: number;
    };
    expect(amountVnd).toBe(10_000);
    // The redirect to the gateway is signed with the merchant's secret; the amount is in hundredths.
    const request = Object.fromEntries(new URL(redirect).searchParams);
    expect(redirect.startsWith(gateway.payUrl)).toBe(true);
    expect(request).toMatchObject({
      vnp_TmnCode: merchant.tmnCode,
      vnp_Amount: '1000000',
      vnp_TxnRef: txnRef,
    });
    expect(verifySignature(request, merchant.hashSecret)).toBe(true);

    // The emulator's page, then its form, as a browser would.
    await payAtGateway(redirect);

    // The emulator's IPN to the API, signed, answered '00' (confirmed) once.
    const sent = gateway.notifications.filter((n) => n.txnRef === txnRef);
    expect(sent.map((n) => n.answer?.RspCode)).toEqual(['00']);
    const ipn = Object.fromEntries(new URLSearchParams(sent[0]?.query));
    expect(ipn).toMatchObject({ vnp_ResponseCode: '00', vnp_TransactionStatus: '00', vnp_Amount: '1000000' });
    expect(verifySignature(ipn, merchant.hashSecret)).toBe(true);
    expect((await payments.list(txnRef)).map((e) => e.outcome)).toEqual(['confirmed']);

    // Recorded on the workflow as paid through the province's payment portal…
    await expect
      .poll(async () => (await system.client.get(paidOnline)).state.payments, { timeout: 20_000 })
      .toEqual([
        expect.objectContaining({
          amountVnd: 10_000,
          channel: 'local-portal',
          transactionRef: ipn.vnp_TransactionNo,
        }),
      ]);
    // …and the dossier's payment-recorded event, whose facts the aggregator counts, says so.
    await expect
      .poll(async () => (await system.events(paidOnline)).filter((e) => e.type === 'payment-recorded'), {
        timeout: 20_000,
      })
      .toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ channel: 'local-portal', paidOnline: true }),
          facts: expect.objectContaining({
            paidOnline: true,
            fees: [expect.objectContaining({ amountVnd: 10_000 })],
          }),
        }),
      ]);
    expect((await call('GET', `/v1/citizen/dossiers/${paidOnline}`, token)).json().payment).toMatchObject({
      paid: true,
      paidVnd: 10_000,
    });
  });

  it('a second dossier of the same procedure is received at the counter and paid in cash there: not an online payment', async () => {
    const { system } = live();
    const counter = await official('counter-officer', oneStop);
    const scan = async (name: string) =>
      (
        await system.documents.put(new TextEncoder().encode(`${name} ${Date.now()} ${Math.random()}`), {
          mediaType: 'application/pdf',
          name,
        })
      ).ref;
    const received = await call('POST', '/v1/dossiers', counter, {
      application: {
        requestId: `online-payment-indicators-${Date.now()}`,
        procedureCode: PROCEDURE,
        applicant: {
          type: 'citizen',
          fullName: 'Lê Thị Cúc',
          idNumber: `0${String(Date.now()).slice(-11)}`,
          phone: '0905111222',
          address: 'Số 9 Trần Hưng Đạo, Phường Cẩm Thành',
        },
        channel: 'counter',
        receivingUnit: oneStop,
        competentAgency: committee,
        documents: [
          { kind: 'to-khai-thay-doi-thong-tin-cu-tru', form: 'paper', fileRef: await scan('ct01.pdf') },
          { kind: 'giay-to-chung-minh-cho-o-hop-phap', form: 'paper', fileRef: await scan('cho-o.pdf') },
        ],
      },
    });
    expect(received.statusCode, received.body).toBe(201);
    paidInCash = received.json().code;
    const cash = await call('POST', `/v1/dossiers/${paidInCash}/actions/record-payment`, counter, {
      amountVnd: 20_000,
      channel: 'cash',
      receiptRef: 'BL-0001',
    });
    expect(cash.statusCode, cash.body).toBe(200);

    expect((await system.client.get(paidInCash)).state.payments).toEqual([
      expect.objectContaining({ amountVnd: 20_000, channel: 'cash' }),
    ]);
    const recorded = (await system.events(paidInCash)).filter((e) => e.type === 'payment-recorded');
    expect(recorded).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ channel: 'cash', paidOnline: false }),
        facts: expect.objectContaining({
          paidOnline: false,
          fees: [expect.objectContaining({ amountVnd: 20_000 })],
        }),
      }),
    ]);
    period = commonPeriod(await acceptedDate(paidOnline), await acceptedDate(paidInCash));
  });

  it('before the portal acknowledges them, neither counts in the numerators of 3.6 and 3.5: only synced dossiers do', async () => {
    await (indicators as IndicatorService).caughtUp();
    const board = await scoreboard();
    expect(board.counters).toMatchObject({ accepted: 2, synced: 0, feeBearing: 2, paidOnline: 0 });
    expect(board.counters[`tthc.${PROCEDURE}.syncedWithFee`] ?? 0).toBe(0);
    expect(indicator(board, '3.6')).toMatchObject({ numerator: 0, denominator: 2, rate: 0 });
    expect(indicator(board, '3.5')).toMatchObject({ numerator: 0 });
  });

  it('both reach the portal (DuocThanhToanTrucTuyen 2 and 0); the aggregator counts 3.6 = 1 of 2 = 50 % and marks the procedure for 3.5 and 3.5b', async () => {
    const { system } = live();
    const portal = emulator as PortalEmulator;
    sync = await startSync(portal);
    const service = sync;
    await service.caughtUp();
    await service.caughtUp(); // the portal-synced events it caused are handled too
    const lastFacts = async (code: string) =>
      ((await system.publishedEvents(code)).at(-1) as DossierEvent).facts;
    for (const code of [paidOnline, paidInCash]) {
      await expect
        .poll(async () => (await lastFacts(code)).portalSyncedAt, { timeout: 30_000 })
        .toBeDefined();
    }
    await expect
      .poll(() => portal.dossier(paidOnline)?.record, { timeout: 30_000 })
      .toMatchObject({
        MaTTHC: PROCEDURE,
        KenhThucHien: '2',
        DuocThanhToanTrucTuyen: '2',
        DanhSachPhiLePhi: [expect.objectContaining({ Gia: 10_000 })],
      });
    await expect
      .poll(() => portal.dossier(paidInCash)?.record, { timeout: 30_000 })
      .toMatchObject({
        MaTTHC: PROCEDURE,
        KenhThucHien: '1',
        DuocThanhToanTrucTuyen: '0',
        DanhSachPhiLePhi: [expect.objectContaining({ Gia: 20_000 })],
      });

    await (indicators as IndicatorService).caughtUp();
    const board = await scoreboard();
    // This NATS holds these two dossiers only: every count is exact.
    expect(board.counters).toMatchObject({
      accepted: 2,
      synced: 2,
      acceptedOnline: 1,
      acceptedCounter: 1,
      // 3.6: synced dossiers paid online (DuocThanhToanTrucTuyen ∈ {1, 2}) ÷ dossiers with fees ≠ 0.
      feeBearing: 2,
      paidOnline: 1,
      // 3.5: the procedure has synced dossiers with a fee ≠ 0 (both); 3.5b: an online payment (one).
      [`tthc.${PROCEDURE}.syncedWithFee`]: 2,
      [`tthc.${PROCEDURE}.paidOnline`]: 1,
    });
    expect(indicator(board, '3.6')).toMatchObject({ numerator: 1, denominator: 2, rate: 50 });
    // 3.5 = X ÷ Y: X = procedures with synced fee-bearing dossiers (this one), Y = procedures with a fee.
    const withFees = proceduresWithFees();
    expect(withFees).toBeGreaterThan(1);
    expect(indicator(board, '3.5')).toMatchObject({ numerator: 1, denominator: withFees });
    expect(indicator(board, '3.5b')).toMatchObject({ numerator: 1, denominator: withFees });

    // The dossiers behind 3.6: the one paid through the gateway counts, the one paid in cash does not.
    const behind = await call(
      'GET',
      `/v1/indicators/dossiers?unit=${committee}&period=${period}&indicator=3.6`,
      await official('leader', committee),
    );
    expect(behind.statusCode, behind.body).toBe(200);
    expect(behind.json()).toEqual({ indicator: '3.6', numerator: [paidOnline], rest: [paidInCash] });
  });

  it('a rebuild of the indicators from the stream gives the same 3.5 and 3.6 figures', async () => {
    const before = await scoreboard();
    await (indicators as IndicatorService).stop();
    indicators = undefined;
    await rebuildIndicators(live().system.nc, logger);
    const after = await scoreboard();
    expect(after.counters).toEqual(before.counters);
    for (const id of ['3.5', '3.5b', '3.6']) expect(indicator(after, id)).toEqual(indicator(before, id));
    expect(indicator(after, '3.6')).toMatchObject({ numerator: 1, denominator: 2, rate: 50 });
  });
});
