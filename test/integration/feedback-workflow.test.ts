/**
 * Feedback and petitions (phản ánh, kiến nghị; ND 20/2008, DOMAIN.md §5) end to end on the
 * time-skipping Temporal server, with the real workers and the shared nats-server: the limits of
 * indicator 5.2 on the working-day calendar, forwarding, overdue timers, satisfaction (5.3) and the
 * events the indicator aggregator consumes.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierValidationError, IllegalActionError } from '../../client/client-errors.js';
import type { FeedbackClient } from '../../client/feedback-client.js';
import type { FeedbackActionRequest, FeedbackView } from '../../contract/feedback-contract.js';
import type { Actor } from '../../domain/actor.js';
import { computeAppointment } from '../../domain/deadline.js';
import type { FeedbackInput } from '../../domain/feedback/feedback-schema.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { type DossierTestSystem, startDossierSystem, workflowBundle } from '../support/dossier-env.js';
import { feedbackClient, feedbackEvents } from '../support/feedback-env.js';
import { actor, demoUnits } from '../support/fixtures.js';

const calendar = loadCalendar('VN');
const justice = demoUnits.justiceDepartment;
const construction = demoUnits.constructionDepartment;
const justiceCounter = actor('counter-officer', justice);
const justiceSpecialist = actor('specialist', justice);
const justiceLeader = actor('leader', justice);
const constructionSpecialist = actor('specialist', construction);
const constructionLeader = actor('leader', construction);
const neighbour: Actor = { id: '051090009999', name: 'Trần Thị Bình', unit: 'applicant', role: 'applicant' };

const sixCriteria = {
  'can-thiet': { met: false, note: 'Giấy tờ đã có trong CSDL quốc gia về dân cư' },
  'hop-ly-hop-phap': { met: true },
  'don-gian': { met: false },
  'kha-thi': { met: true },
  'thong-nhat': { met: true },
  'tuong-thich-dieu-uoc': { met: true },
};

let system: DossierTestSystem;
let client: FeedbackClient;
let counter = 0;
/** Every feedback workflow started here, replayed at the end. */
const started = new Set<string>();

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  client = await feedbackClient(system);
});
afterAll(() => system?.teardown());

// ---------------------------------------------------------------------------------------------
// Helpers

function citizen(): { input: FeedbackInput['submitter']; actor: Actor } {
  counter++;
  const idNumber = `0510910${String(counter).padStart(5, '0')}`;
  return {
    input: {
      type: 'citizen',
      fullName: 'Nguyễn Văn An',
      idNumber,
      phone: '0912345678',
      address: 'Phường Cẩm Thành, tỉnh Quảng Ngãi',
    },
    actor: { id: idNumber, name: 'Nguyễn Văn An', unit: 'applicant', role: 'applicant' },
  };
}

function feedbackFrom(
  submitter: FeedbackInput['submitter'],
  overrides: Partial<FeedbackInput> = {},
): FeedbackInput {
  return {
    requestId: `pakn-${Date.now()}-${counter}`,
    submitter,
    channel: 'online',
    receivingUnit: justice,
    content: 'Đề nghị bỏ yêu cầu nộp bản sao giấy tờ đã có trong CSDL quốc gia về dân cư khi chứng thực.',
    about: { procedureCode: '2.000815' },
    ...overrides,
  };
}

function act(id: string, name: FeedbackActionRequest['name'], by: Actor, payload: unknown = {}) {
  started.add(id);
  return client.act(id, { name, actor: by, payload });
}

function get(id: string): Promise<FeedbackView> {
  started.add(id);
  return client.get(id);
}

async function expectRejected(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IllegalActionError);
  expect((error as IllegalActionError).code).toBe(code);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function limitOf(view: Pick<FeedbackView, 'limits'>, name: string) {
  const found = view.limits.find((l) => l.name === name);
  if (!found) throw new Error(`no ${name} limit`);
  return found;
}

function dueDateFrom(instant: number, workingDays: number): string {
  return computeAppointment(instant, { unit: 'working-days', value: workingDays }, calendar).dueDate;
}

async function publishedFeedback(submitter: FeedbackInput['submitter'], windowDays = 30): Promise<string> {
  const receipt = await client.submit({
    feedback: feedbackFrom(submitter),
    options: { followUpWindowDays: windowDays },
  });
  await act(receipt.id, 'accept', justiceCounter, { topic: 'quy-dinh' });
  await act(receipt.id, 'assess', justiceSpecialist, {
    basis: 'du-can-cu',
    criteria: sixCriteria,
    note: 'Đủ căn cứ',
  });
  await act(receipt.id, 'answer', justiceLeader, {
    content: 'Sở Tư pháp kiến nghị bãi bỏ yêu cầu nộp bản sao giấy tờ đã có trong CSDL.',
    measure: 'kien-nghi',
  });
  await act(receipt.id, 'publish', justiceSpecialist, { link: `/pakn/${receipt.id}` });
  return receipt.id;
}

// ---------------------------------------------------------------------------------------------

describe('happy path (ND 20 Art 9, 14)', () => {
  it('received, accepted, assessed, answered and published within the limits; events once each on the unit subject', async () => {
    const { input: submitter, actor: submitterActor } = citizen();
    const request = { feedback: feedbackFrom(submitter), options: { followUpWindowDays: 1 } };
    const receipt = await client.submit(request);
    expect(receipt.id).toMatch(/^PAKN-000\.00\.11\.H99-\d{6}-\d{4}$/);
    expect(receipt.existing).toBe(false);
    expect(receipt.status).toBe('CHO_TIEP_NHAN');
    expect(receipt.statusName).toBe('Chờ tiếp nhận');
    expect(receipt.missingContactDetails).toEqual([]);

    const again = await client.submit(request);
    expect(again).toMatchObject({ id: receipt.id, existing: true });

    const received = await get(receipt.id);
    const submittedAt = received.state.submittedAt;
    expect(limitOf(received, 'reject').dueDate).toBe(dueDateFrom(submittedAt, 2));
    expect(limitOf(received, 'supplement').dueDate).toBe(dueDateFrom(submittedAt, 5));
    expect(limitOf(received, 'answer').dueDate).toBe(dueDateFrom(submittedAt, 15));
    expect(received.units[justice]).toBe('Sở Tư pháp');

    await act(receipt.id, 'accept', justiceCounter, { topic: 'quy-dinh' });
    await act(receipt.id, 'assess', justiceSpecialist, {
      basis: 'du-can-cu',
      criteria: sixCriteria,
      note: 'Đủ căn cứ',
    });
    const answered = await act(receipt.id, 'answer', justiceLeader, {
      content: 'Kiến nghị sửa đổi',
      measure: 'kien-nghi',
    });
    expect(answered.statusName).toBe('Chờ công khai');
    expect(limitOf(answered, 'publish').outcome).toBe('pending');
    const published = await act(receipt.id, 'publish', justiceSpecialist, { link: '/pakn/1' });
    expect(published.statusName).toBe('Đã công khai');
    await act(receipt.id, 'rate', submitterActor, { satisfied: true });

    await system.env?.sleep('2 days'); // the follow-up window closes
    const final = (await system.temporal.workflow.getHandle(receipt.id).result()) as FeedbackView;
    expect(final.ended).toBe(true);
    expect(final.onTime).toBe(true);
    expect(final.satisfaction).toMatchObject({ rated: true, satisfied: true, countsAsSatisfied: true });

    const published_ = await feedbackEvents(system, receipt.id);
    const events = published_.map((p) => p.event);
    expect(events.map((e) => e.type)).toEqual([
      'submitted',
      'accepted',
      'assessed',
      'answered',
      'published',
      'rated',
      'closed',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(published_.map((p) => p.msgId)).toEqual(events.map((e) => `${receipt.id}:${e.seq}`));
    expect(published_.map((p) => p.subject)).toEqual(
      events.map((e) => `tthc.feedback.000_00_11_H99.${e.type}`),
    );
    const last = events.at(-1);
    expect(last?.facts).toMatchObject({
      topic: 'quy-dinh',
      classification: 'thuoc-tham-quyen',
      status: 'DA_CONG_KHAI',
      onTime: true,
      measure: 'kien-nghi',
      limits: {
        answer: { outcome: 'met' },
        publish: { outcome: 'met' },
        reject: { outcome: 'not-applicable' },
      },
      satisfaction: { countsAsSatisfied: true },
    });
    expect(last?.facts.answeredAt).toBeDefined();
    expect(last?.facts.publishedAt).toBeDefined();
    expect(events.find((e) => e.type === 'accepted')?.actor).toEqual({
      id: justiceCounter.id,
      unit: justice,
      role: 'counter-officer',
    });
  });
});

describe('classification (ND 20 Art 9(d))', () => {
  it('not accepted within 2 working days: rejected, the limit met, the workflow ends', async () => {
    const { input: submitter } = citizen();
    const request = { feedback: feedbackFrom(submitter, { channel: 'phone' as const }) };
    const receipt = await client.submit(request);
    const rejected = await act(receipt.id, 'reject', justiceCounter, {
      reason: 'Là đơn khiếu nại, không thuộc phạm vi ND 20',
    });
    expect(rejected.statusName).toBe('Không tiếp nhận');
    const final = (await system.temporal.workflow.getHandle(receipt.id).result()) as FeedbackView;
    expect(final.state.classification).toBe('khong-tiep-nhan');
    expect(limitOf(final, 'reject').outcome).toBe('met');
    const events = (await feedbackEvents(system, receipt.id)).map((p) => p.event);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'rejected']);
    expect(events[1]?.data).toMatchObject({ met: true });
    expect(events[1]?.facts).toMatchObject({ classification: 'khong-tiep-nhan', channel: 'phone' });
    expect(events[1]?.facts.rejectedAt).toBeDefined();
    // The same request again: the ended feedback is returned, nothing new is created.
    expect(await client.submit(request)).toMatchObject({
      id: receipt.id,
      existing: true,
      status: 'KHONG_TIEP_NHAN',
    });
  });

  it('outside competence: forwarded to the competent unit, limits restart there; an unknown unit is refused', async () => {
    const { input: submitter } = citizen();
    const receipt = await client.submit({
      feedback: feedbackFrom(submitter, {
        content: 'Quy định về giấy phép xây dựng nhà ở riêng lẻ chưa rõ.',
      }),
    });
    await expectRejected(
      act(receipt.id, 'forward', justiceSpecialist, { topic: 'quy-dinh', to: '000.00.98.H99', reason: 'x' }),
      'UNKNOWN_UNIT',
    );
    expect((await get(receipt.id)).state.status).toBe('CHO_TIEP_NHAN');

    const forwarded = await act(receipt.id, 'forward', justiceSpecialist, {
      topic: 'quy-dinh',
      to: construction,
      reason: 'Thuộc thẩm quyền của Sở Xây dựng',
    });
    expect(forwarded).toMatchObject({
      status: 'CHUYEN_XU_LY',
      statusName: 'Chuyển xử lý',
      handlingUnit: construction,
    });
    const view = await get(receipt.id);
    expect(view.state.transfers).toEqual([
      expect.objectContaining({
        from: justice,
        to: construction,
        classification: 'ngoai-tham-quyen',
        met: true,
      }),
    ]);
    expect(limitOf(view, 'answer').dueDate).toBe(dueDateFrom(view.state.clockStartedAt, 15));
    expect(view.units[construction]).toBe('Sở Xây dựng');

    await expectRejected(act(receipt.id, 'accept', justiceCounter, { topic: 'quy-dinh' }), 'WRONG_AGENCY');
    await act(receipt.id, 'accept', constructionSpecialist, { topic: 'quy-dinh' });
    await act(receipt.id, 'assess', constructionSpecialist, {
      basis: 'chua-du-can-cu',
      note: 'Cần thêm thông tin',
    });
    await act(receipt.id, 'answer', constructionLeader, {
      content: 'Tiếp tục thu thập',
      measure: 'tiep-tuc-thu-thap',
    });

    const published = await feedbackEvents(system, receipt.id);
    expect(published.map((p) => [p.event.type, p.subject])).toEqual([
      ['submitted', 'tthc.feedback.000_00_11_H99.submitted'],
      ['forwarded', 'tthc.feedback.000_00_12_H99.forwarded'],
      ['accepted', 'tthc.feedback.000_00_12_H99.accepted'],
      ['assessed', 'tthc.feedback.000_00_12_H99.assessed'],
      ['answered', 'tthc.feedback.000_00_12_H99.answered'],
    ]);
    expect(published[1]?.event.data).toMatchObject({ from: justice, to: construction, met: true });
    // On the stream the details (a reason an official typed can name the citizen) are sealed.
    expect(published[1]?.published.data).toEqual({});
    expect(published[1]?.published.sealedData).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(published.at(-1)?.event.facts).toMatchObject({
      receivingUnit: justice,
      handlingUnit: construction,
      classification: 'thuoc-tham-quyen',
      transfers: [{ from: justice, to: construction, classification: 'ngoai-tham-quyen', met: true }],
    });
  });
});

describe('timers on the working-day calendar', () => {
  it('an answer after 15 working days is flagged overdue by the timer, and the late answer is recorded as missed', async () => {
    const { input: submitter } = citizen();
    const receipt = await client.submit({ feedback: feedbackFrom(submitter) });
    await act(receipt.id, 'accept', justiceCounter, { topic: 'hanh-vi' });
    const due = limitOf(await get(receipt.id), 'answer');
    await system.env?.sleep('45 days');
    await waitFor(async () => limitOf(await get(receipt.id), 'answer').outcome === 'overdue');
    const overdue = await get(receipt.id);
    expect(overdue.onTime).toBe(false);
    // Flagged when the timer fires at 24:00 of the due date (Civil Code Art 148(1)).
    const flaggedAt = Date.parse(limitOf(overdue, 'answer').overdueSince ?? '');
    expect(flaggedAt).toBeGreaterThanOrEqual(Date.parse(due.dueAt));
    expect(flaggedAt).toBeLessThan(Date.parse(due.dueAt) + 60_000);

    const answered = await act(receipt.id, 'answer', justiceLeader, {
      content: 'Đã chấn chỉnh cán bộ',
      measure: 'xu-ly-vi-pham',
    });
    expect(limitOf(answered, 'answer').outcome).toBe('missed');
    const events = (await feedbackEvents(system, receipt.id)).map((p) => p.event);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'accepted', 'limit-overdue', 'answered']);
    expect(events[2]?.data).toMatchObject({ limit: 'answer', workingDays: 15, dueDate: due.dueDate });
    expect(events[3]?.data).toMatchObject({ met: false });
    expect(events[3]?.facts).toMatchObject({
      topic: 'hanh-vi',
      onTime: false,
      limits: { answer: { outcome: 'missed' } },
      satisfaction: { overdue: true, countsAsSatisfied: false },
    });
  });
});

describe('satisfaction (indicator 5.3)', () => {
  it('the submitter’s rating, likes and dislikes, and new feedback about the result are recorded', async () => {
    const first = citizen();
    const id = await publishedFeedback(first.input);
    await expectRejected(act(id, 'rate', neighbour, { satisfied: true }), 'NOT_SUBMITTER');
    await act(id, 'rate', first.actor, { satisfied: false, comment: 'Chưa được giải quyết dứt điểm' });
    await act(id, 'react', neighbour, { like: false });

    const followUp = await client.submit({
      feedback: feedbackFrom(first.input, {
        content: 'Kết quả trả lời chưa giải quyết được vướng mắc.',
        about: { feedbackId: id },
      }),
    });
    await waitFor(async () => (await get(id)).state.followUps.length === 1);
    const view = await get(id);
    expect(view.state.followUps[0]?.feedbackId).toBe(followUp.id);
    expect(view.satisfaction).toMatchObject({
      rated: true,
      satisfied: false,
      likes: 0,
      dislikes: 1,
      notSatisfied: true,
      followedUp: true,
      overdue: false,
      countsAsSatisfied: false,
    });
    expect((await get(followUp.id)).followsUp).toEqual({ feedbackId: id, linked: true });
    const events = (await feedbackEvents(system, id)).map((p) => p.event);
    expect(events.slice(-3).map((e) => e.type)).toEqual(['rated', 'reacted', 'followed-up']);
    expect(events.at(-1)?.facts.followUps).toEqual([expect.objectContaining({ feedbackId: followUp.id })]);
  });
});

describe('follow-up of an unknown feedback', () => {
  it('is received normally and marked as not linked', async () => {
    const { input: submitter } = citizen();
    const receipt = await client.submit({
      feedback: feedbackFrom(submitter, { about: { feedbackId: 'PAKN-000.00.11.H99-200101-0001' } }),
    });
    expect(receipt.status).toBe('CHO_TIEP_NHAN');
    expect((await get(receipt.id)).followsUp).toEqual({
      feedbackId: 'PAKN-000.00.11.H99-200101-0001',
      linked: false,
    });
  });
});

describe('illegal actions', () => {
  it('are rejected with a reason and change nothing', async () => {
    const { input: submitter } = citizen();
    const receipt = await client.submit({ feedback: feedbackFrom(submitter) });
    const before = await get(receipt.id);
    await expectRejected(act(receipt.id, 'answer', justiceLeader, { content: 'x' }), 'ILLEGAL_STATE');
    await expectRejected(
      act(receipt.id, 'accept', constructionSpecialist, { topic: 'quy-dinh' }),
      'WRONG_AGENCY',
    );
    await act(receipt.id, 'accept', justiceCounter, { topic: 'quy-dinh' });
    await expectRejected(act(receipt.id, 'answer', justiceLeader, { content: 'x' }), 'OUT_OF_ORDER');
    await expectRejected(
      act(receipt.id, 'assess', justiceCounter, { basis: 'chua-du-can-cu', note: 'x' }),
      'WRONG_ROLE',
    );
    const invalid = await act(receipt.id, 'assess', justiceSpecialist, {
      basis: 'du-can-cu',
      criteria: { 'can-thiet': { met: true } },
      note: 'x',
    }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(DossierValidationError);
    expect((invalid as Error).message).toContain('tuong-thich-dieu-uoc');
    const after = await get(receipt.id);
    expect(after.eventSeq).toBe(before.eventSeq + 1); // only the acceptance
    expect(after.state.status).toBe('DANG_XU_LY');
    expect(after.state.assessment).toBeUndefined();
  });

  it('bad input is refused before anything is created; an unknown unit is refused at receipt', async () => {
    const { input: submitter } = citizen();
    const malformed = await client
      .submit({ feedback: { ...feedbackFrom(submitter), receivingUnit: 'so-tu-phap', content: '' } })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(DossierValidationError);
    const issues = (malformed as DossierValidationError).issues.join('\n');
    expect(issues).toContain('receivingUnit');
    expect(issues).toContain('content');
    await expectRejected(
      client.submit({ feedback: feedbackFrom(submitter, { receivingUnit: '000.00.98.H99' }) }),
      'UNKNOWN_UNIT',
    );
  });
});

describe('replay', () => {
  it('every feedback history of this file replays against the current workflow code', async () => {
    const histories = await Promise.all(
      [...started].map(async (workflowId) => ({
        workflowId,
        history: await system.temporal.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: system.protection.dataConverter },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBeGreaterThanOrEqual(5);
  });
});
