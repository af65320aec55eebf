/**
 * The pure feedback (PAKN) state machine (domain/feedback/) against DOMAIN.md §5 and the
 * indicator 5.1–5.3 deadline rules of §2.3, on the real VN calendar. In 2026, 25–27/4 (weekend and
 * the day in lieu of Giỗ Tổ Hùng Vương) and 30/4–3/5 are days off.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import {
  type FeedbackAction,
  type FeedbackActionInput,
  type FeedbackActionName,
  feedbackActionSchemas,
} from '../../domain/feedback/feedback-actions.js';
import { checkAction } from '../../domain/feedback/feedback-checks.js';
import {
  FeedbackActionRejected,
  type FeedbackRejectionCode,
} from '../../domain/feedback/feedback-rejection.js';
import { type Feedback, type FeedbackInput, feedbackSchema } from '../../domain/feedback/feedback-schema.js';
import {
  type FeedbackState,
  type FeedbackTransition,
  newFeedback,
  receive,
} from '../../domain/feedback/feedback-state.js';
import { missingContactDetails } from '../../domain/feedback/feedback-submission.js';
import { flagOverdueLimits, nextLimitCheckAt } from '../../domain/feedback/feedback-timers.js';
import { applyAction, close, recordFollowUp } from '../../domain/feedback/feedback-transitions.js';
import { isOnTime, limitViews, satisfactionOf } from '../../domain/feedback/feedback-views.js';
import { formatInstant, type Instant } from '../../domain/time.js';
import { formatZodError } from '../../domain/validation.js';
import { feedbackEventSchema } from '../../events/feedback-event-schema.js';
import { feedbackFacts } from '../../events/feedback-facts.js';
import { feedbackEventSubject } from '../../events/subjects.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { actor, vietnamInstant as at, demoUnits } from '../support/fixtures.js';

const calendar = loadCalendar('VN');
const ID = 'PAKN-000.00.11.H99-260423-0001';
/** Thursday 23/4/2026 10:00. */
const T0 = at('2026-04-23T10:00');

const justice = demoUnits.justiceDepartment;
const construction = demoUnits.constructionDepartment;
const justiceCounter = actor('counter-officer', justice, 'cb-stp');
const justiceSpecialist = actor('specialist', justice, 'cv-stp');
const justiceLeader = actor('leader', justice, 'ld-stp');
const constructionSpecialist = actor('specialist', construction, 'cv-sxd');
const constructionLeader = actor('leader', construction, 'ld-sxd');
const submitter: Actor = { id: '051090001234', name: 'Nguyễn Văn An', unit: 'applicant', role: 'applicant' };
const neighbour: Actor = { id: '051090009999', name: 'Trần Thị Bình', unit: 'applicant', role: 'applicant' };

const feedbackInput: FeedbackInput = {
  requestId: 'pakn-2026-04-23-0001',
  submitter: {
    type: 'citizen',
    fullName: 'Nguyễn Văn An',
    idNumber: '051090001234',
    phone: '0912345678',
    address: 'Phường Cẩm Thành, tỉnh Quảng Ngãi',
  },
  channel: 'online',
  receivingUnit: justice,
  content: 'Thủ tục chứng thực bản sao yêu cầu nộp bản chính và bản sao giấy tờ đã có trong CSDL dân cư.',
  about: { procedureCode: '2.000815' },
};

const allCriteria = {
  'can-thiet': { met: false, note: 'Thông tin đã có trong CSDL quốc gia về dân cư' },
  'hop-ly-hop-phap': { met: true },
  'don-gian': { met: false },
  'kha-thi': { met: true },
  'thong-nhat': { met: true },
  'tuong-thich-dieu-uoc': { met: true },
};

// ---------------------------------------------------------------------------------------------
// Helpers

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function submitted(overrides: Partial<FeedbackInput> = {}, submittedAt: Instant = T0): FeedbackState {
  const feedback: Feedback = feedbackSchema.parse({ ...feedbackInput, ...overrides });
  return deepFreeze(receive(newFeedback(ID, feedback, submittedAt, calendar), submittedAt).state);
}

function action<A extends FeedbackActionName>(
  name: A,
  by: Actor,
  input: FeedbackActionInput<A>,
): FeedbackAction {
  return { name, actor: by, payload: feedbackActionSchemas[name].parse(input) } as FeedbackAction;
}

/** Applies a validated action to a frozen state (the transition must not mutate its input). */
function act<A extends FeedbackActionName>(
  state: FeedbackState,
  name: A,
  by: Actor,
  input: FeedbackActionInput<A>,
  now: Instant,
): FeedbackTransition {
  const transition = applyAction(deepFreeze(state), action(name, by, input), now, calendar);
  deepFreeze(transition.state);
  return transition;
}

function accepted(topic: 'quy-dinh' | 'hanh-vi' = 'quy-dinh', now = at('2026-04-24T09:00')): FeedbackState {
  return act(submitted(), 'accept', justiceCounter, { topic }, now).state;
}

function assessed(): FeedbackState {
  return act(
    accepted(),
    'assess',
    justiceSpecialist,
    { basis: 'du-can-cu', criteria: allCriteria, note: 'Đủ căn cứ đánh giá' },
    at('2026-05-05T09:00'),
  ).state;
}

function answered(now = at('2026-05-12T09:00')): FeedbackState {
  return act(
    assessed(),
    'answer',
    justiceLeader,
    { content: 'Kiến nghị bãi bỏ yêu cầu nộp bản sao giấy tờ đã có trong CSDL', measure: 'kien-nghi' },
    now,
  ).state;
}

function published(): FeedbackState {
  return act(answered(), 'publish', justiceSpecialist, { link: '/pakn/1' }, at('2026-05-13T09:00')).state;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Both the validator (checkAction) and the handler (applyAction) reject, and nothing changes. */
function expectRejected<A extends FeedbackActionName>(
  state: FeedbackState,
  name: A,
  by: Actor,
  input: FeedbackActionInput<A>,
  now: Instant,
  code: FeedbackRejectionCode,
): FeedbackActionRejected {
  const before = structuredClone(state);
  deepFreeze(state);
  const candidate = action(name, by, input);
  const fromCheck = caught(() => checkAction(state, candidate, now));
  const fromApply = caught(() => applyAction(state, candidate, now, calendar));
  for (const error of [fromCheck, fromApply]) {
    expect(error).toBeInstanceOf(FeedbackActionRejected);
    expect((error as FeedbackActionRejected).code).toBe(code);
  }
  expect(state).toEqual(before);
  return fromApply as FeedbackActionRejected;
}

function limit(state: FeedbackState, name: 'reject' | 'supplement' | 'forward' | 'answer' | 'publish') {
  const found = limitViews(state).find((l) => l.name === name);
  if (!found) throw new Error(`no ${name} limit`);
  return found;
}

// ---------------------------------------------------------------------------------------------

describe('the feedback as submitted (ND 20 Art 6–7)', () => {
  it('accepts a citizen or an organisation, with what the feedback is about', () => {
    expect(feedbackSchema.parse(feedbackInput).about?.procedureCode).toBe('2.000815');
    const organisation = feedbackSchema.parse({
      ...feedbackInput,
      submitter: { type: 'organisation', name: 'Công ty TNHH An Bình', taxCode: '4300123456' },
      about: { dossierCode: '000.01.41.H99-260420-0003', feedbackId: 'PAKN-000.00.11.H99-260401-0002' },
    });
    expect(organisation.submitter.type).toBe('organisation');
  });

  it('names every failing field', () => {
    const result = feedbackSchema.safeParse({
      ...feedbackInput,
      receivingUnit: 'so-tu-phap',
      content: '   ',
      channel: 'fax',
      about: { dossierCode: 'HS-1', feedbackId: 'x' },
    });
    expect(result.success).toBe(false);
    const lines = result.success ? [] : formatZodError(result.error);
    expect(lines.some((l) => l.startsWith('receivingUnit:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('content:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('channel:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('about.dossierCode:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('about.feedbackId:'))).toBe(true);
  });

  it('Art 7: missing address or phone is reported as a ground for not accepting', () => {
    const bare = feedbackSchema.parse({
      ...feedbackInput,
      submitter: { type: 'citizen', fullName: 'Nguyễn Văn An', idNumber: '051090001234' },
    });
    expect(missingContactDetails(bare)).toEqual(['địa chỉ', 'số điện thoại']);
    expect(missingContactDetails(feedbackSchema.parse(feedbackInput))).toEqual([]);
  });
});

describe('limits on the working-day calendar (DOMAIN.md §2.3 indicator 5.2)', () => {
  it('counts from the day after submission and skips the Giỗ Tổ and 30/4–1/5 days off', () => {
    const state = submitted();
    expect(state.status).toBe('CHO_TIEP_NHAN');
    expect(limit(state, 'reject').dueDate).toBe('2026-04-28');
    expect(limit(state, 'supplement').dueDate).toBe('2026-05-05');
    expect(limit(state, 'forward').dueDate).toBe('2026-05-05');
    expect(limit(state, 'answer').dueDate).toBe('2026-05-19');
    expect(limit(state, 'answer').dueAt).toBe('2026-05-20T00:00:00+07:00');
    expect(state.limits.publish).toBeUndefined();
  });

  it('feedback received after office hours counts from the next working day', () => {
    const state = submitted({}, at('2026-04-24T20:00')); // Friday evening
    // Counted from Tuesday 28/4: the 2nd working day after it is Monday 4/5.
    expect(limit(state, 'reject').dueDate).toBe('2026-05-04');
  });
});

describe('happy path: within competence, assessed, answered and published within the limits', () => {
  it('moves through the statuses with one event per step and every limit met', () => {
    const start = submitted();
    const steps: FeedbackTransition[] = [];
    steps.push(act(start, 'accept', justiceCounter, { topic: 'quy-dinh' }, at('2026-04-24T09:00')));
    expect(steps[0]?.state.status).toBe('DANG_XU_LY');
    expect(steps[0]?.state.classification).toBe('thuoc-tham-quyen');
    steps.push(
      act(
        steps[0]?.state as FeedbackState,
        'assess',
        justiceSpecialist,
        { basis: 'du-can-cu', criteria: allCriteria, note: 'Đủ căn cứ' },
        at('2026-05-05T09:00'),
      ),
    );
    steps.push(
      act(
        steps[1]?.state as FeedbackState,
        'answer',
        justiceLeader,
        { content: 'Kiến nghị sửa đổi', measure: 'kien-nghi' },
        at('2026-05-19T16:00'),
      ),
    );
    const answeredState = steps[2]?.state as FeedbackState;
    expect(answeredState.status).toBe('CHO_CONG_KHAI');
    expect(limit(answeredState, 'answer').outcome).toBe('met');
    expect(limit(answeredState, 'publish').dueDate).toBe('2026-05-21');
    steps.push(act(answeredState, 'publish', justiceSpecialist, {}, at('2026-05-21T10:00')));
    const final = steps[3]?.state as FeedbackState;
    expect(final.status).toBe('DA_CONG_KHAI');
    expect(steps.flatMap((s) => s.events.map((e) => e.type))).toEqual([
      'accepted',
      'assessed',
      'answered',
      'published',
    ]);
    expect(limitViews(final).map((l) => [l.name, l.outcome])).toEqual([
      ['reject', 'not-applicable'],
      ['supplement', 'not-applicable'],
      ['forward', 'not-applicable'],
      ['answer', 'met'],
      ['publish', 'met'],
    ]);
    expect(isOnTime(final)).toBe(true);
    expect(satisfactionOf(final).countsAsSatisfied).toBe(true);
    expect(final.history.map((h) => h.action)).toEqual(['receive', 'accept', 'assess', 'answer', 'publish']);
  });

  it('conduct handled by the unit itself is answered without the six-criteria assessment', () => {
    const state = accepted('hanh-vi');
    expect(state.classification).toBe('hanh-vi');
    const done = act(
      state,
      'answer',
      justiceLeader,
      { content: 'Đã chấn chỉnh', measure: 'xu-ly-vi-pham' },
      T0 + 86_400_000,
    );
    expect(done.state.status).toBe('CHO_CONG_KHAI');
  });

  it('the facts of every step match the event schema, on the subject of the handling unit', () => {
    for (const state of [submitted(), accepted(), answered(), published()]) {
      const event = {
        id: `${ID}:1`,
        feedbackId: ID,
        seq: 1,
        type: 'accepted' as const,
        occurredAt: formatInstant(T0),
        data: {},
        facts: feedbackFacts(state),
      };
      const parsed = feedbackEventSchema.parse(JSON.parse(JSON.stringify(event)));
      expect(feedbackEventSubject(parsed)).toBe('tthc.feedback.000_00_11_H99.accepted');
    }
  });
});

describe('rejection (not accepted, ND 20 Art 9(d)) within 2 working days', () => {
  it('a rejection by the second working day meets the limit and ends the feedback', () => {
    const { state, events } = act(
      submitted(),
      'reject',
      justiceCounter,
      { reason: 'Không ghi địa chỉ, số điện thoại (ND 20 Art 7)' },
      at('2026-04-28T16:00'),
    );
    expect(state.status).toBe('KHONG_TIEP_NHAN');
    expect(state.classification).toBe('khong-tiep-nhan');
    expect(state.endedAt).toBe(at('2026-04-28T16:00'));
    expect(limit(state, 'reject').outcome).toBe('met');
    expect(limit(state, 'answer').outcome).toBe('not-applicable');
    expect(events).toEqual([
      expect.objectContaining({ type: 'rejected', data: expect.objectContaining({ met: true }) }),
    ]);
    expect(isOnTime(state)).toBe(true);
    expect(nextLimitCheckAt(state)).toBeUndefined();
  });

  it('a rejection on the third working day misses it', () => {
    const { state } = act(
      submitted(),
      'reject',
      justiceCounter,
      { reason: 'Là đơn khiếu nại' },
      at('2026-04-29T09:00'),
    );
    expect(limit(state, 'reject').outcome).toBe('missed');
    expect(isOnTime(state)).toBe(false);
    expect(satisfactionOf(state).overdue).toBe(true);
  });
});

describe('forwarding (ND 20 Art 9(d)): outside competence within 5 working days', () => {
  it('moves the feedback to the competent unit and restarts the limits from the transfer', () => {
    const forwardAt = at('2026-05-04T10:00');
    const { state, events } = act(
      submitted(),
      'forward',
      justiceSpecialist,
      { topic: 'quy-dinh', to: construction, reason: 'Quy định về cấp phép xây dựng thuộc Sở Xây dựng' },
      forwardAt,
    );
    expect(state.status).toBe('CHUYEN_XU_LY');
    expect(state.classification).toBe('ngoai-tham-quyen');
    expect(state.handlingUnit).toBe(construction);
    expect(state.transfers).toEqual([
      expect.objectContaining({ from: justice, to: construction, dueDate: '2026-05-05', met: true }),
    ]);
    expect(state.clockStartedAt).toBe(forwardAt);
    expect(limit(state, 'answer').dueDate).toBe(calendar.addWorkingDays('2026-05-04', 15));
    expect(events[0]?.type).toBe('forwarded');

    // The forwarding unit can no longer act; the new unit classifies it.
    expectRejected(
      state,
      'accept',
      justiceCounter,
      { topic: 'quy-dinh' },
      forwardAt + 3_600_000,
      'WRONG_AGENCY',
    );
    const taken = act(
      state,
      'accept',
      constructionSpecialist,
      { topic: 'quy-dinh' },
      forwardAt + 3_600_000,
    ).state;
    expect(taken.classification).toBe('thuoc-tham-quyen');
    expect(taken.status).toBe('DANG_XU_LY');
    expect(feedbackFacts(taken).transfers[0]?.classification).toBe('ngoai-tham-quyen');
  });

  it('a transfer after 5 working days is late, which counts against satisfaction (5.3)', () => {
    const late = act(
      submitted(),
      'forward',
      justiceSpecialist,
      { topic: 'hanh-vi', to: construction, reason: 'Cán bộ Sở Xây dựng gây phiền hà' },
      at('2026-05-06T10:00'),
    ).state;
    expect(late.transfers[0]?.met).toBe(false);
    expect(late.classification).toBe('hanh-vi');
    expect(satisfactionOf(late).overdue).toBe(true);
  });

  it('cannot be forwarded to the unit holding it, nor after it was accepted', () => {
    expectRejected(
      submitted(),
      'forward',
      justiceCounter,
      { topic: 'quy-dinh', to: justice, reason: 'x' },
      T0,
      'INVALID_INPUT',
    );
    expectRejected(
      accepted(),
      'forward',
      justiceCounter,
      { topic: 'quy-dinh', to: construction, reason: 'x' },
      T0,
      'ILLEGAL_STATE',
    );
  });
});

describe('assignment: the leader of the unit holding it names the specialist who handles it', () => {
  const specialist = { id: 'cv-stp', name: 'Chuyên viên Sở Tư pháp' };

  it('is recorded (and replaced by a new one) while it is open, by a leader of that unit only', () => {
    const assignedAt = at('2026-04-24T10:00');
    const { state, events } = act(accepted(), 'assign', justiceLeader, { specialist }, assignedAt);
    expect(state.assignee).toEqual({ ...specialist, at: assignedAt, by: justiceLeader.id });
    expect(state.status).toBe('DANG_XU_LY');
    expect(state.limits).toEqual(accepted().limits);
    expect(events).toEqual([{ type: 'assigned', at: assignedAt, data: { specialist, unit: justice } }]);
    expect(state.history.at(-1)).toMatchObject({ action: 'assign', actor: justiceLeader });
    const other = { id: 'cv-stp-2', name: 'Chuyên viên thứ hai' };
    const again = act(state, 'assign', justiceLeader, { specialist: other }, assignedAt + 60_000).state;
    expect(again.assignee).toMatchObject(other);
    // Before classification too; never by a specialist, another unit's leader, or once answered.
    expect(act(submitted(), 'assign', justiceLeader, { specialist }, assignedAt).state.assignee?.id).toBe(
      specialist.id,
    );
    expectRejected(accepted(), 'assign', justiceSpecialist, { specialist }, assignedAt, 'WRONG_ROLE');
    expectRejected(accepted(), 'assign', constructionLeader, { specialist }, assignedAt, 'WRONG_AGENCY');
    expectRejected(
      answered(),
      'assign',
      justiceLeader,
      { specialist },
      at('2026-05-12T10:00'),
      'ILLEGAL_STATE',
    );
  });

  it('ends when the feedback is forwarded to another unit', () => {
    const assigned = act(submitted(), 'assign', justiceLeader, { specialist }, at('2026-04-24T10:00')).state;
    const { state } = act(
      assigned,
      'forward',
      justiceSpecialist,
      { topic: 'quy-dinh', to: construction, reason: 'Thuộc Sở Xây dựng' },
      at('2026-04-24T11:00'),
    );
    expect(state.assignee).toBeUndefined();
  });
});

describe('timers: each limit that passes with its step still open is flagged', () => {
  it('an unclassified feedback is flagged at the reject and forward limits, then the answer limit', () => {
    const state = submitted();
    const rejectDue = state.limits.reject.dueAt;
    expect(nextLimitCheckAt(state)).toBe(rejectDue);
    expect(flagOverdueLimits(state, rejectDue - 1)).toBeUndefined();
    const flagged = flagOverdueLimits(state, rejectDue) as FeedbackTransition;
    expect(flagged.events).toEqual([
      expect.objectContaining({
        type: 'limit-overdue',
        data: expect.objectContaining({ limit: 'reject', dueDate: '2026-04-28' }),
      }),
    ]);
    // A reject or forward limit passing is a warning: in-progress feedback is within time for 15 days.
    expect(isOnTime(flagged.state)).toBe(true);
    expect(nextLimitCheckAt(flagged.state)).toBe(state.limits.forward.dueAt);
    // Accepting late is allowed: the warning no longer applies.
    const taken = act(
      flagged.state,
      'accept',
      justiceCounter,
      { topic: 'quy-dinh' },
      rejectDue + 3_600_000,
    ).state;
    expect(limit(taken, 'reject').outcome).toBe('not-applicable');
    expect(nextLimitCheckAt(taken)).toBe(state.limits.answer.dueAt);
  });

  it('an answer after 15 working days: flagged overdue at 24:00 of the due date, then missed', () => {
    const state = assessed();
    const due = state.limits.answer.dueAt;
    expect(nextLimitCheckAt(state)).toBe(due);
    const flagged = flagOverdueLimits(state, due) as FeedbackTransition;
    expect(flagged.events).toHaveLength(1);
    expect(flagged.events[0]?.data).toMatchObject({
      limit: 'answer',
      workingDays: 15,
      dueDate: '2026-05-19',
    });
    expect(limit(flagged.state, 'answer').outcome).toBe('overdue');
    expect(isOnTime(flagged.state)).toBe(false);
    expect(flagOverdueLimits(flagged.state, due + 1)).toBeUndefined(); // flagged once
    const late = act(
      flagged.state,
      'answer',
      justiceLeader,
      { content: 'Trả lời muộn' },
      at('2026-05-21T09:00'),
    );
    expect(limit(late.state, 'answer').outcome).toBe('missed');
    expect(late.events[0]?.data).toMatchObject({ met: false });
    expect(satisfactionOf(late.state)).toMatchObject({ overdue: true, countsAsSatisfied: false });
  });

  it('an answer not published within 2 working days is flagged', () => {
    const state = answered();
    const due = state.limits.publish?.dueAt as number;
    expect(nextLimitCheckAt(state)).toBe(due);
    const flagged = flagOverdueLimits(state, due) as FeedbackTransition;
    expect(flagged.events[0]?.data).toMatchObject({ limit: 'publish' });
    const late = act(flagged.state, 'publish', justiceLeader, {}, due + 3_600_000).state;
    expect(limit(late, 'publish').outcome).toBe('missed');
  });
});

describe('supplementation: the first request within 5 working days', () => {
  it('the first request is measured, a second is not; only the submitter supplements', () => {
    const first = act(
      submitted(),
      'request-supplement',
      justiceCounter,
      { question: 'Đề nghị nêu rõ văn bản quy định' },
      at('2026-05-05T15:00'),
    );
    expect(limit(first.state, 'supplement').outcome).toBe('met');
    expect(first.events[0]?.data).toMatchObject({ first: true, met: true });
    expectRejected(
      first.state,
      'request-supplement',
      justiceCounter,
      { question: 'Thêm' },
      at('2026-05-05T16:00'),
      'OUT_OF_ORDER',
    );
    expectRejected(
      first.state,
      'provide-supplement',
      neighbour,
      { content: 'x' },
      at('2026-05-06T09:00'),
      'NOT_SUBMITTER',
    );
    const provided = act(
      first.state,
      'provide-supplement',
      submitter,
      { content: 'Quyết định công bố số 123' },
      at('2026-05-06T09:00'),
    );
    const second = act(
      provided.state,
      'request-supplement',
      justiceCounter,
      { question: 'Bản chụp' },
      at('2026-05-11T09:00'),
    );
    expect(second.events[0]?.data).toMatchObject({ first: false });
    expect(limit(second.state, 'supplement').outcome).toBe('met');
  });

  it('a first request after 5 working days misses the limit', () => {
    const { state } = act(
      accepted(),
      'request-supplement',
      justiceSpecialist,
      { question: 'Bổ sung' },
      at('2026-05-06T09:00'),
    );
    expect(limit(state, 'supplement').outcome).toBe('missed');
  });
});

describe('satisfaction and follow-up feedback (indicator 5.3)', () => {
  it('the submitter rates once; others cannot', () => {
    const state = answered();
    expectRejected(state, 'rate', neighbour, { satisfied: true }, at('2026-05-12T10:00'), 'NOT_SUBMITTER');
    expectRejected(state, 'rate', justiceLeader, { satisfied: true }, at('2026-05-12T10:00'), 'WRONG_ROLE');
    const rated = act(
      state,
      'rate',
      submitter,
      { satisfied: false, comment: 'Chưa giải quyết được' },
      at('2026-05-12T10:00'),
    );
    expect(rated.events[0]).toMatchObject({ type: 'rated', data: { satisfied: false } });
    expect(satisfactionOf(rated.state)).toMatchObject({
      rated: true,
      satisfied: false,
      notSatisfied: true,
      countsAsSatisfied: false,
    });
    expectRejected(rated.state, 'rate', submitter, { satisfied: true }, at('2026-05-12T11:00'), 'ONCE_ONLY');
  });

  it('likes and dislikes of the published answer: more dislikes than likes is "not satisfied"', () => {
    let state = published();
    expectRejected(answered(), 'react', neighbour, { like: false }, at('2026-05-12T10:00'), 'ILLEGAL_STATE');
    state = act(state, 'react', neighbour, { like: false }, at('2026-05-14T09:00')).state;
    expect(satisfactionOf(state)).toMatchObject({ likes: 0, dislikes: 1, notSatisfied: true });
    expectRejected(state, 'react', neighbour, { like: false }, at('2026-05-14T09:30'), 'ONCE_ONLY');
    state = act(state, 'react', submitter, { like: true }, at('2026-05-14T10:00')).state;
    state = act(state, 'react', neighbour, { like: true }, at('2026-05-14T11:00')).state; // changed her mind
    expect(satisfactionOf(state)).toMatchObject({
      likes: 2,
      dislikes: 0,
      notSatisfied: false,
      countsAsSatisfied: true,
    });
  });

  it('new feedback about the result is recorded once, and only once there is a result', () => {
    const other = 'PAKN-000.00.11.H99-260520-0001';
    expect(recordFollowUp(accepted(), other, at('2026-05-20T09:00'))).toBeUndefined();
    const followed = recordFollowUp(published(), other, at('2026-05-20T09:00')) as FeedbackTransition;
    expect(followed.events).toEqual([
      expect.objectContaining({ type: 'followed-up', data: { feedbackId: other } }),
    ]);
    expect(satisfactionOf(followed.state)).toMatchObject({ followedUp: true, countsAsSatisfied: false });
    expect(recordFollowUp(followed.state, other, at('2026-05-21T09:00'))).toBeUndefined();
  });

  it('closing the window fixes the verdict; nothing can happen afterwards', () => {
    const closed = close(published(), at('2026-06-13T09:00'));
    expect(closed.events[0]).toMatchObject({ type: 'closed', data: { countsAsSatisfied: true } });
    expectRejected(
      closed.state,
      'rate',
      submitter,
      { satisfied: true },
      at('2026-06-14T09:00'),
      'ILLEGAL_STATE',
    );
    expect(
      recordFollowUp(closed.state, 'PAKN-000.00.11.H99-260614-0001', at('2026-06-14T09:00')),
    ).toBeUndefined();
  });
});

describe('illegal actions are rejected with the right code and change nothing', () => {
  it('wrong unit, wrong role, wrong order, not applicable', () => {
    expectRejected(submitted(), 'accept', constructionLeader, { topic: 'quy-dinh' }, T0, 'WRONG_AGENCY');
    expectRejected(
      submitted(),
      'accept',
      actor('supervisor', justice),
      { topic: 'quy-dinh' },
      T0,
      'WRONG_ROLE',
    );
    expectRejected(submitted(), 'answer', justiceLeader, { content: 'x' }, T0, 'ILLEGAL_STATE');
    expectRejected(accepted(), 'answer', justiceLeader, { content: 'x' }, T0, 'OUT_OF_ORDER');
    expectRejected(assessed(), 'answer', justiceSpecialist, { content: 'x' }, T0, 'WRONG_ROLE');
    expectRejected(
      accepted('hanh-vi'),
      'assess',
      justiceSpecialist,
      { basis: 'chua-du-can-cu', note: 'x' },
      T0,
      'NOT_APPLICABLE',
    );
    expectRejected(assessed(), 'publish', justiceSpecialist, {}, T0, 'ILLEGAL_STATE');
    expectRejected(accepted(), 'accept', justiceCounter, { topic: 'quy-dinh' }, T0, 'ILLEGAL_STATE');
    const rejected = act(submitted(), 'reject', justiceCounter, { reason: 'x' }, T0).state;
    expectRejected(rejected, 'accept', justiceCounter, { topic: 'quy-dinh' }, T0, 'ILLEGAL_STATE');
  });

  it('payloads are validated: an assessment with enough basis covers all six criteria', () => {
    const result = feedbackActionSchemas.assess.safeParse({
      basis: 'du-can-cu',
      criteria: { 'can-thiet': { met: true } },
      note: 'x',
    });
    expect(result.success).toBe(false);
    expect(result.success ? '' : formatZodError(result.error).join('\n')).toContain('tuong-thich-dieu-uoc');
    expect(feedbackActionSchemas.accept.safeParse({ topic: 'khac' }).success).toBe(false);
  });
});
