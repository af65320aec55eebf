/**
 * The dossier lifecycle end to end (DOMAIN.md §1.1) on the time-skipping Temporal server, with
 * real workers, the shared nats-server, real document storage and signatures.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierValidationError, IllegalActionError } from '../../client/client-errors.js';
import type { ActionRequest } from '../../contract/dossier-contract.js';
import type { Actor } from '../../domain/actor.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import {
  addCalendarDays,
  atCivilTime,
  formatVietnameseDate,
  toCivilDate,
  weekday,
} from '../../domain/time.js';
import { UnitKeyring } from '../../infra/signing.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { type RecordedRun, recordingHistories, writeHistories } from '../support/histories.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const calendar = loadCalendar('VN');
const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1');
const otherAgencyLeader = actor('leader', demoUnits.konTumCommittee);
const applicant: Actor = { id: 'cong-dan', name: 'Nguyễn Văn An', unit: 'applicant', role: 'applicant' };

let system: DossierTestSystem;
let requestCounter = 0;

const runs: RecordedRun[] = [];

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  const receive = system.client.receive.bind(system.client);
  system.client.receive = async (request) => {
    const outcome = await receive(request);
    runs.push({ name: expect.getState().currentTestName ?? 'unnamed', workflowId: outcome.code });
    return outcome;
  };
});
afterAll(async () => {
  if (recordingHistories && system) await writeHistories(system.temporal, system.protection.codec, runs);
  await system?.teardown();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function now(): Promise<number> {
  return system.env?.currentTimeMs() ?? Date.now();
}

async function sleepUntil(instant: number): Promise<void> {
  const wait = instant - (await now());
  if (wait > 0) await system.env?.sleep(wait);
}

/** 09:00 Vietnam time on the next working day that is a given weekday (1 = Monday). */
async function nextWorkingWeekday(day: number): Promise<number> {
  let date = addCalendarDays(toCivilDate(await now()), 1);
  while (
    weekday(date) !== day ||
    !calendar.isWorkingDay(date) ||
    !calendar.isWorkingDay(addCalendarDays(date, 1))
  ) {
    date = addCalendarDays(date, 1);
  }
  return atCivilTime(date, '09:00');
}

async function scan(name: string): Promise<string> {
  const stored = await system.documents.put(new TextEncoder().encode(`scan of ${name} #${requestCounter}`), {
    mediaType: 'application/pdf',
    name,
  });
  return stored.ref;
}

async function householdBusiness(
  overrides: Partial<DossierApplicationInput> = {},
): Promise<DossierApplicationInput> {
  requestCounter++;
  const application = await scannedHouseholdBusiness(system.documents, {
    requestId: `lifecycle-${Date.now()}-${requestCounter}`,
    applicant: {
      type: 'citizen',
      fullName: 'Nguyễn Văn An',
      idNumber: `0510900${String(requestCounter).padStart(5, '0')}`,
    },
    channel: overrides.channel ?? 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
  });
  return { ...application, ...overrides };
}

function act(code: string, name: ActionRequest['name'], by: Actor, payload: unknown = {}) {
  return system.client.act(code, { name, actor: by, payload });
}

async function acceptedDossier(overrides: Partial<DossierApplicationInput> = {}): Promise<string> {
  const outcome = await system.client.receive({ application: await householdBusiness(overrides) });
  expect(outcome.outcome).toBe('accepted');
  return outcome.code;
}

async function expectRejected(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IllegalActionError);
  expect((error as IllegalActionError).code).toBe(code);
}

async function processToDecision(code: string): Promise<void> {
  await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
  await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
  await act(code, 'approve', leader, { note: 'Cấp giấy chứng nhận đăng ký hộ kinh doanh' });
}

async function finished(code: string) {
  return system.temporal.workflow.getHandle(code).result();
}

// ---------------------------------------------------------------------------------------------

describe('§1.1 happy paths', () => {
  it('a multi-day procedure: receipt with the appointment, digitized and signed components, processing, return, evaluation', async () => {
    await sleepUntil(await nextWorkingWeekday(2));
    const receivedAt = await now();
    const outcome = await system.client.receive({
      application: await householdBusiness({
        notificationChannel: 'sms',
        applicant: {
          type: 'citizen',
          fullName: 'Nguyễn Văn An',
          idNumber: '051090099999',
          phone: '0912345678',
        },
      }),
      intake: { officer: counter },
    });
    expect(outcome.outcome).toBe('accepted');
    expect(outcome.code).toMatch(/^000\.01\.41\.H99-\d{6}-\d{4}$/);
    expect(outcome.dueDate).toBe(calendar.addWorkingDays(toCivilDate(receivedAt), 3));
    expect(outcome.forms).toContain('receipt');

    const received = await system.client.get(outcome.code);
    expect(received.state.status).toBe('MOI_TIEP_NHAN');
    expect(received.statusName).toBe('Mới tiếp nhận');
    const receipt = received.forms.receipt as { number: string; title: string };
    expect(receipt.number).toBe('Mẫu số 01');
    expect(
      received.state.components.every((c) => c.digitized && c.signedBy === demoUnits.camThanhOneStop),
    ).toBe(true);

    const keyring = new UnitKeyring(join(system.dataDir, 'keys'));
    const signer = await keyring.signerFor(demoUnits.camThanhOneStop);
    const component = received.state.components[0];
    const signature = await signer.sign(component?.sha256 ?? '', '2026-01-01T00:00:00+07:00');
    expect(await keyring.verify(signature, component?.sha256 ?? '')).toBe(true);

    await processToDecision(outcome.code);
    const decided = await system.client.get(outcome.code);
    expect(decided.state.status).toBe('DA_XU_LY_XONG');
    expect(decided.state.result?.signedBy).toBe(demoUnits.camThanhCommittee);
    expect(await system.documents.has(decided.state.result?.ref ?? '')).toBe(true);

    await act(outcome.code, 'record-payment', counter, { amountVnd: 100_000, channel: 'cash' });
    await act(outcome.code, 'return-result', counter, { channel: 'counter' });
    await act(outcome.code, 'evaluate', applicant, { scores: { '1': 2, '3': 2, '7': 2 }, liked: true });
    const final = await finished(outcome.code);
    expect(final.state.status).toBe('DA_TRA_KET_QUA');
    expect(final.state.history.map((h: { action: string }) => h.action)).toEqual([
      'accept',
      'assign',
      'appraise',
      'approve',
      'record-payment',
      'return-result',
      'evaluate',
    ]);

    const events = await system.events(outcome.code);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'received',
      'accepted',
      'digitized',
      'assigned',
      'appraised',
      'approved',
      'payment-recorded',
      'result-returned',
      'evaluated',
    ]);
    // What the applicant is told (by SMS, as asked at intake): the appointment, the result and how
    // to collect it, the fees, the early return; the contents travel sealed.
    const notified = await system.notifications(outcome.code);
    expect(notified.map((n) => n.kind)).toEqual(['accepted', 'result-ready', 'payment-due', 'early-return']);
    expect(notified[0]?.text).toContain(
      `Ngày hẹn trả kết quả: ${formatVietnameseDate(outcome.dueDate ?? '')}`,
    );
    expect(notified[1]?.text).toMatch(/đã có kết quả\. Mời ông\/bà đến .+ nhận kết quả/);
    expect(notified[2]?.text).toContain('100.000 đồng');
    expect(notified.every((n) => n.contact?.channel === 'sms' && n.sealedContent && n.text)).toBe(true);
    expect(JSON.stringify(await system.publishedEvents(outcome.code))).not.toContain('0912345678');
    const last = events.at(-1);
    expect(last?.facts.channel).toBe(1);
    expect(last?.facts.components.every((c) => c.digitized)).toBe(true);
    expect(last?.facts.eResultLink).toBeDefined();

    // The components and the result are the dossier's: erasing it destroys them, the result encrypted until then.
    const result = decided.state.result?.ref ?? '';
    const resultFile = join(system.dataDir, 'documents', 'objects', result.slice(7, 9), result.slice(9));
    expect((await readFile(resultFile)).includes(outcome.code)).toBe(false);
    const refs = [...decided.state.components.map((c) => c.ref ?? ''), result].sort();
    const erasure = await system.documents.eraseDossier(outcome.code);
    expect({ released: erasure.released.sort(), destroyed: erasure.destroyed.sort() }).toEqual({
      released: refs,
      destroyed: refs,
    });
    for (const ref of refs) expect(await system.documents.get(ref)).toBeNull();
  });

  it('a same-day procedure needs no receipt unless asked (ND 61 Art 17(4)) and is due today before 15:00', async () => {
    await sleepUntil((await nextWorkingWeekday(3)) - 60 * 60_000); // 08:00
    const application = await householdBusiness({
      procedureCode: '2.000815',
      documents: [{ kind: 'ban-chinh', form: 'paper', fileRef: await scan('ban-chinh.pdf') }],
    });
    const outcome = await system.client.receive({ application });
    expect(outcome.outcome).toBe('accepted');
    expect(outcome.dueDate).toBe(toCivilDate(await now()));
    expect(outcome.forms).not.toContain('receipt');
    const sameDayLeader = leader;
    await act(outcome.code, 'appraise', specialist, {
      recommendation: 'approve',
      note: 'Bản sao đúng với bản chính',
    });
    await act(outcome.code, 'approve', sameDayLeader, {});
    await act(outcome.code, 'return-result', counter, { channel: 'counter' });
    const view = await system.client.get(outcome.code);
    expect(view.state.status).toBe('DA_TRA_KET_QUA');
    expect(view.state.returnedEarly).toBe(false);
  });
});

describe('§1.1 intake', () => {
  it('§4 ND 45/2020: a component the applicant already has digitized is reused instead of asked for again', async () => {
    const first = await householdBusiness();
    const idNumber = (first.applicant as { idNumber: string }).idNumber;
    const earlier = await system.client.receive({ application: first });
    expect(earlier.outcome).toBe('accepted');
    const second = await householdBusiness({
      applicant: { type: 'citizen', fullName: 'Nguyễn Văn An', idNumber },
      documents: [
        { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: await scan('de-nghi-moi.pdf') },
      ],
    });
    const outcome = await system.client.receive({ application: second });
    expect(outcome.outcome).toBe('accepted');
    const view = await system.client.get(outcome.code);
    const reused = view.state.components.find((c) => c.kind === 'giay-to-phap-ly-ca-nhan');
    expect(reused?.reused).toBe(true);
    const original = (await system.client.get(earlier.code)).state.components.find(
      (c) => c.kind === 'giay-to-phap-ly-ca-nhan',
    );
    expect(reused?.ref).toBe(original?.ref);
    const events = await system.events(outcome.code);
    expect(events.at(-1)?.facts.components.some((c) => c.reused)).toBe(true);

    const stranger = await householdBusiness({ documents: second.documents });
    expect((await system.client.receive({ application: stranger })).outcome).toBe('supplement');

    // The reused document is claimed by both dossiers: it outlives the erasure of the first.
    const shared = original?.ref ?? '';
    expect((await system.documents.eraseDossier(earlier.code)).destroyed).not.toContain(shared);
    expect(await system.documents.has(shared)).toBe(true);
    expect((await system.documents.eraseDossier(outcome.code)).destroyed).toContain(shared);
    expect(await system.documents.has(shared)).toBe(false);
  });

  it('an incomplete dossier gets one request listing every missing item; a second request is refused; supplements complete it (Art 15(3))', async () => {
    const application = await householdBusiness({ documents: [] });
    const outcome = await system.client.receive({ application, intake: { officer: counter } });
    expect(outcome.outcome).toBe('supplement');
    expect(outcome.missing?.map((m) => m.kind).sort()).toEqual([
      'giay-de-nghi-dang-ky-ho-kinh-doanh',
      'giay-to-phap-ly-ca-nhan',
    ]);
    const view = await system.client.get(outcome.code);
    expect(view.state.status).toBe('YEU_CAU_BO_SUNG');
    const form = view.forms['supplementation-request'] as { fields: unknown; lines?: unknown[] };
    expect(JSON.stringify(form)).toContain('Phiếu yêu cầu bổ sung');

    await expectRejected(
      act(outcome.code, 'request-supplementation', leader, {
        items: [{ name: 'Bản sao', reason: 'x' }],
        reason: 'x',
      }),
      'ONCE_ONLY',
    );
    const partly = await act(outcome.code, 'provide-intake-supplement', counter, {
      documents: [
        { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: await scan('de-nghi-2.pdf') },
      ],
    });
    expect(partly.status).toBe('YEU_CAU_BO_SUNG');
    expect(partly.stillMissing?.map((m) => m.kind)).toEqual(['giay-to-phap-ly-ca-nhan']);
    const done = await act(outcome.code, 'provide-intake-supplement', counter, {
      documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: await scan('cccd-2.pdf') }],
    });
    expect(done.status).toBe('MOI_TIEP_NHAN');
    expect(done.forms).toContain('receipt');
    const notified = await system.notifications(outcome.code);
    expect(notified.map((n) => n.kind)).toEqual(['supplement-requested', 'accepted']);
    expect(notified[0]?.text).toMatch(/cần bổ sung, hoàn thiện: 1\) .+; 2\) .+/);
  });

  it('a refusal at intake ends the dossier with the refusal form (Mẫu 03)', async () => {
    const outcome = await system.client.receive({
      application: await householdBusiness(),
      intake: { officer: counter, refuseReason: 'Ngành nghề kinh doanh bị cấm' },
    });
    expect(outcome.outcome).toBe('refused');
    const final = await finished(outcome.code);
    expect(final.state.status).toBe('TU_CHOI');
    expect(JSON.stringify(final.forms.refusal)).toContain('Ngành nghề kinh doanh bị cấm');
    expect(await system.notifications(outcome.code)).toEqual([
      expect.objectContaining({
        kind: 'refused',
        text: `Hồ sơ ${outcome.code} không được tiếp nhận. Lý do: Ngành nghề kinh doanh bị cấm.`,
      }),
    ]);
  });

  it('an applicant who never returns: the dossier closes after the configured limit', async () => {
    const outcome = await system.client.receive({
      application: await householdBusiness({ documents: [] }),
      options: { supplementLimitWorkingDays: 2 },
    });
    expect(outcome.outcome).toBe('supplement');
    await system.env?.sleep('10 days');
    const final = await finished(outcome.code);
    expect(final.state.status).toBe('KHONG_BO_SUNG');
    const events = await system.events(outcome.code);
    expect(events.at(-1)?.type).toBe('closed-incomplete');
  });

  it('bad input is refused before anything is created', async () => {
    const error = await system.client
      .receive({ application: { ...(await householdBusiness()), procedureCode: '9.999999' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DossierValidationError);
    const malformed = await system.client
      .receive({
        application: {
          ...(await householdBusiness()),
          applicant: { type: 'citizen', fullName: 'A', idNumber: '123' },
        },
      })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(DossierValidationError);
    expect((malformed as DossierValidationError).issues.join('\n')).toContain('applicant.idNumber');
  });
});

describe('§1.1 step 5 processing rules', () => {
  it('supplementation during processing pauses the clock across a weekend; the decree deadline restarts (Art 19(4))', async () => {
    await sleepUntil(await nextWorkingWeekday(4)); // Thursday 09:00
    const code = await acceptedDossier();
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    await sleepUntil((await now()) + 24 * 3_600_000); // Friday 09:00
    await act(code, 'request-supplementation', specialist, {
      items: [{ name: 'Bản sao hợp đồng thuê mặt bằng', reason: 'Thiếu căn cứ địa điểm kinh doanh' }],
      reason: 'Hồ sơ chưa đủ căn cứ',
    });
    const paused = await system.client.get(code);
    expect(paused.deadlines.paused).toBe(true);
    expect(paused.deadlines.decree).toBeUndefined();
    await sleepUntil((await now()) + 3 * 24 * 3_600_000); // Monday 09:00
    const resumedAt = await now();
    await act(code, 'provide-supplementation', counter, {
      documents: [{ kind: 'hop-dong-thue', form: 'paper', fileRef: await scan('hop-dong.pdf') }],
    });
    const resumed = await system.client.get(code);
    expect(resumed.deadlines.paused).toBe(false);
    expect(resumed.deadlines.decree?.dueDate).toBe(calendar.addWorkingDays(toCivilDate(resumedAt), 3));
    expect(resumed.deadlines.pauses).toHaveLength(1);
    const pausedMs = resumed.deadlines.decision766?.pausedMs ?? 0;
    expect(pausedMs).toBeGreaterThanOrEqual(3 * 24 * 3_600_000);
    expect(pausedMs).toBeLessThan(3 * 24 * 3_600_000 + 60_000);
    expect((await system.notifications(code)).find((n) => n.kind === 'supplement-requested')?.text).toContain(
      '1) Bản sao hợp đồng thuê mặt bằng: Thiếu căn cứ địa điểm kinh doanh. Lý do: Hồ sơ chưa đủ căn cứ.',
    );
  });

  it('supplementation is refused after 3 working days; paper requests on an online dossier are refused', async () => {
    await sleepUntil(await nextWorkingWeekday(1));
    const acceptedOn = toCivilDate(await now());
    const online = await acceptedDossier({ channel: 'online' });
    await act(online, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    await expectRejected(
      act(online, 'request-supplementation', specialist, {
        items: [{ name: 'Bản gốc', reason: 'Đối chiếu', form: 'paper' }],
        reason: 'Cần bản giấy',
      }),
      'PAPER_ON_ONLINE',
    );
    // The fourth working day after receipt (a fixed number of calendar days could span a holiday:
    // the test server's clock lands on a different week each run).
    await sleepUntil(atCivilTime(calendar.addWorkingDays(acceptedOn, 4), '09:00'));
    await expectRejected(
      act(online, 'request-supplementation', specialist, {
        items: [{ name: 'Tệp', reason: 'Mờ' }],
        reason: 'x',
      }),
      'TOO_LATE',
    );
  });

  it('illegal actions are rejected with a reason and change nothing', async () => {
    const code = await acceptedDossier();
    const before = await system.client.get(code);
    await expectRejected(act(code, 'approve', leader, {}), 'ILLEGAL_STATE');
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    await expectRejected(act(code, 'approve', leader, {}), 'OUT_OF_ORDER');
    await expectRejected(
      act(code, 'appraise', otherAgencyLeader, { recommendation: 'approve', note: 'x' }),
      'WRONG_AGENCY',
    );
    await expectRejected(
      act(code, 'appraise', leader, { recommendation: 'approve', note: 'x' }),
      'WRONG_ROLE',
    );
    const invalid = await act(code, 'appraise', specialist, { recommendation: 'maybe' }).catch(
      (e: unknown) => e,
    );
    expect(invalid).toBeInstanceOf(DossierValidationError);
    const after = await system.client.get(code);
    expect(after.eventSeq).toBe(before.eventSeq + 1); // only the assignment
    expect(after.state.step).toBe('appraise');
  });

  it('liên thông with two agencies: both give their opinion on their own queues before appraisal (Art 19(6))', async () => {
    const code = await acceptedDossier({ channel: 'online' });
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const tax = demoUnits.justiceDepartment;
    const construction = demoUnits.constructionDepartment;
    await act(code, 'start-inter-agency', specialist, {
      participants: [
        { agency: tax, task: 'Xác nhận thông tin', workingDays: 1 },
        { agency: construction, task: 'Ý kiến về địa điểm', workingDays: 1 },
      ],
    });
    await expectRejected(
      act(code, 'appraise', specialist, { recommendation: 'approve', note: 'x' }),
      'OUT_OF_ORDER',
    );
    await expectRejected(
      system.client.completeInterAgency(code, tax, actor('specialist', construction), 'Đồng ý'),
      'WRONG_AGENCY',
    );
    await system.client.completeInterAgency(code, tax, actor('specialist', tax), 'Đồng ý');
    await system.client.completeInterAgency(
      code,
      construction,
      actor('leader', construction),
      'Không có ý kiến khác',
    );
    await waitFor(async () => (await system.client.get(code)).state.interAgency.every((t) => t.completedAt));
    await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
    await act(code, 'approve', leader, {});
    const view = await system.client.get(code);
    expect(view.state.status).toBe('DA_XU_LY_XONG');
    expect(view.state.interAgency.map((t) => t.opinion).sort()).toEqual(['Không có ý kiến khác', 'Đồng ý']);
  });
});

describe('§1.1 step 9 apology and reschedule', () => {
  it('overdue → apology with a new date → on time under the new date; a second reschedule is refused', async () => {
    await sleepUntil(await nextWorkingWeekday(1)); // Monday 09:00
    const code = await acceptedDossier({
      notificationChannel: 'email',
      applicant: {
        type: 'citizen',
        fullName: 'Nguyễn Văn An',
        idNumber: '051090088888',
        email: 'an@example.vn',
      },
    });
    const due = (await system.client.get(code)).deadlines.decree?.dueDate ?? '';
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const dayBeforeDue = previousWorkingDay(due);
    await sleepUntil(atCivilTime(dayBeforeDue, '08:00'));
    const warned = await system.client.get(code);
    expect(warned.state.apologyRequiredSince).toBeDefined();
    expect((await system.events(code)).map((e) => e.type)).toContain('apology-required');

    const newDueDate = calendar.addWorkingDays(due, 3);
    await expectRejected(act(code, 'apologize', specialist, { reason: 'x', newDueDate }), 'WRONG_ROLE');
    await act(code, 'apologize', leader, { reason: 'Cần xác minh thêm địa điểm kinh doanh', newDueDate });
    const rescheduled = await system.client.get(code);
    expect(rescheduled.deadlines.decree?.dueDate).toBe(newDueDate);
    expect(JSON.stringify(rescheduled.forms.apology)).toContain('Cần xác minh thêm');
    const notices = await system.notifications(code);
    expect(notices.find((n) => n.kind === 'apology')?.contact).toEqual({
      channel: 'email',
      email: 'an@example.vn',
    });
    expect(notices.find((n) => n.kind === 'apology')?.text).toContain(
      `(Cần xác minh thêm địa điểm kinh doanh). Ngày hẹn trả kết quả mới: ${formatVietnameseDate(newDueDate)}.`,
    );
    // The warning is the agency's: it is in the outbox with no applicant to send it to.
    expect(notices.find((n) => n.kind === 'apology-required')?.contact).toBeUndefined();
    await expectRejected(
      act(code, 'apologize', leader, {
        reason: 'Lần hai',
        newDueDate: calendar.addWorkingDays(newDueDate, 2),
      }),
      'ONCE_ONLY',
    );

    await sleepUntil(atCivilTime(calendar.addWorkingDays(due, 1), '10:00')); // past the first due date
    await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
    await act(code, 'approve', leader, {});
    const view = await system.client.get(code);
    expect(view.state.overdueSince).toBeUndefined();
    expect(view.deadlines.decision766?.onTimeSoFar).toBe(true);
  });

  it('a dossier that passes its due date without an apology is flagged and escalated', async () => {
    const code = await acceptedDossier();
    await system.env?.sleep('15 days');
    const view = await system.client.get(code);
    expect(view.state.overdueWithoutApology).toBe(true);
    const types = (await system.events(code)).map((e) => e.type);
    expect(types).toContain('overdue-unapologized');
    expect(types.indexOf('apology-required')).toBeLessThan(types.indexOf('overdue-unapologized'));
    // DOMAIN.md §1.1 (9): the apology was due at the latest the day before; now it is refused.
    const newDueDate = calendar.addWorkingDays(toCivilDate(await now()), 3);
    await expectRejected(act(code, 'apologize', leader, { reason: 'Quá hạn', newDueDate }), 'TOO_LATE');
  });
});

describe('§1.1 stop and withdrawal', () => {
  it('the applicant withdraws an accepted dossier', async () => {
    const code = await acceptedDossier();
    await act(code, 'withdraw', applicant, { reason: 'Không có nhu cầu' });
    expect((await finished(code)).state.status).toBe('CONG_DAN_RUT');
  });

  it('the agency stops processing with a reasoned notice (TT 03/2025 Mẫu 05)', async () => {
    const code = await acceptedDossier();
    await expectRejected(act(code, 'stop', specialist, { reason: 'x' }), 'WRONG_ROLE');
    await act(code, 'stop', leader, { reason: 'Có tranh chấp về địa điểm kinh doanh' });
    const final = await finished(code);
    expect(final.state.status).toBe('DUNG_XU_LY');
    expect(JSON.stringify(final.forms['stop-notice'])).toContain('Có tranh chấp');
  });
});

function previousWorkingDay(date: string): string {
  let day = addCalendarDays(date, -1);
  while (!calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
  return day;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
