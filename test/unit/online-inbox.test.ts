/**
 * The online inbox (issue #18; DOMAIN.md §1.1 step 3, §3): a dossier a citizen submitted online
 * waits for the receiving counter, who accepts it, asks once for electronic supplements within
 * three working days, or refuses it; the citizen pays while it waits, once per gateway transaction.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import type { ActionInput, ActionName } from '../../domain/dossier/dossier-actions.js';
import { actionAvailability, onlineIntakeDueDate } from '../../domain/dossier/dossier-checks.js';
import { ActionRejected } from '../../domain/dossier/dossier-rejection.js';
import { type DossierState, newDossier } from '../../domain/dossier/dossier-state.js';
import { applyAction } from '../../domain/dossier/dossier-transitions.js';
import { amountDue, paymentStatus } from '../../domain/online-payment.js';
import type { Instant } from '../../domain/time.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import {
  actor,
  applicantActor,
  vietnamInstant as at,
  citizenApplication,
  demoUnits,
  dossierAction,
} from '../support/fixtures.js';

const calendar = loadCalendar('VN');
/** 1.004222 Đăng ký thường trú: 7 working days, 20 000 đ at the counter, 10 000 đ online. */
const residence = getProcedure('1.004222', '2026-04-23');
const T0 = at('2026-04-23T10:00');
const counter = actor('counter-officer', demoUnits.camThanhOneStop, 'cb-motcua-01');
const otherCounter = actor('counter-officer', demoUnits.konTumOneStop, 'cb-motcua-kt');
const leader = actor('leader', demoUnits.camThanhCommittee, 'ld-01');

function waiting(): DossierState {
  const application = citizenApplication({
    procedureCode: residence.code,
    channel: 'online',
    documents: [
      { kind: 'to-khai-thay-doi-thong-tin-cu-tru', form: 'electronic', fileRef: `sha256:${'a'.repeat(64)}` },
      { kind: 'giay-to-chung-minh-cho-o-hop-phap', form: 'electronic', fileRef: `sha256:${'b'.repeat(64)}` },
    ],
  });
  return { ...newDossier('000.01.41.H99-260423-0001', application, residence, T0), onlineIntake: true };
}
const applicant = applicantActor(citizenApplication());

function act<A extends ActionName>(
  state: DossierState,
  name: A,
  by: Actor,
  input: ActionInput<A>,
  now: Instant,
) {
  return applyAction(state, dossierAction(name, by, input), now, calendar);
}

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ActionRejected) return error.code;
    throw error;
  }
  throw new Error('not rejected');
}

const item = {
  name: 'Giấy tờ chứng minh chỗ ở hợp pháp',
  reason: 'Bản chụp mờ',
  form: 'electronic' as const,
};
const items = [item];

describe('the online inbox', () => {
  it('the receiving counter accepts: the statutory clock starts at acceptance', () => {
    const state = waiting();
    const accepted = act(state, 'accept-intake', counter, {}, at('2026-04-24T09:00')).state;
    expect(accepted.status).toBe('MOI_TIEP_NHAN');
    expect(accepted.acceptedAt).toBe(at('2026-04-24T09:00'));
    expect(rejection(() => act(state, 'accept-intake', otherCounter, {}, T0))).toBe('WRONG_ROLE');
    expect(rejection(() => act(state, 'accept-intake', leader, {}, T0))).toBe('WRONG_ROLE');
    expect(rejection(() => act(accepted, 'accept-intake', counter, {}, T0))).toBe('ILLEGAL_STATE');
  });

  it('only dossiers submitted online wait in the inbox', () => {
    const { onlineIntake: _, ...counterDossier } = waiting();
    expect(rejection(() => act(counterDossier, 'accept-intake', counter, {}, T0))).toBe('ILLEGAL_STATE');
  });

  it('asks for supplements once, electronic only, within 3 working days; the answer goes back to the inbox', () => {
    const state = waiting();
    expect(onlineIntakeDueDate(state, calendar)).toBe('2026-04-29'); // Fri 24, Tue 28 (27/4 off), Wed 29
    expect(
      rejection(() =>
        act(
          state,
          'request-intake-supplement',
          counter,
          { items: [{ ...item, form: 'paper' as const }], reason: 'x' },
          T0,
        ),
      ),
    ).toBe('PAPER_ON_ONLINE');
    expect(
      rejection(() =>
        act(state, 'request-intake-supplement', counter, { items, reason: 'Thiếu' }, at('2026-04-30T09:00')),
      ),
    ).toBe('TOO_LATE');
    const asked = act(
      state,
      'request-intake-supplement',
      counter,
      { items, reason: 'Bổ sung' },
      at('2026-04-29T16:00'),
    ).state;
    expect(asked.status).toBe('YEU_CAU_BO_SUNG');
    expect(asked.supplements[0]).toMatchObject({ phase: 'intake', reason: 'Bổ sung', items });
    const answered = act(
      asked,
      'provide-intake-supplement',
      applicant,
      { documents: [{ kind: 'giay-to-chung-minh-cho-o-hop-phap', form: 'electronic', fileRef: 'sha256:c' }] },
      at('2026-05-04T09:00'),
    ).state;
    expect(answered.status).toBe('CHO_TIEP_NHAN');
    expect(
      rejection(() => act(answered, 'request-intake-supplement', counter, { items, reason: 'Lần hai' }, T0)),
    ).toBe('ONCE_ONLY');
    expect(act(answered, 'accept-intake', counter, {}, at('2026-05-04T10:00')).state.status).toBe(
      'MOI_TIEP_NHAN',
    );
  });

  it('refusal with the reason ends the dossier', () => {
    const refused = act(waiting(), 'refuse-intake', counter, { reason: 'Không thuộc thẩm quyền' }, T0).state;
    expect(refused).toMatchObject({ status: 'TU_CHOI', step: 'done', endReason: 'Không thuộc thẩm quyền' });
  });

  it('the counter is offered accept, one request and refusal', () => {
    const offered = actionAvailability(waiting(), counter, T0, calendar)
      .filter((a) => a.allowed)
      .map((a) => a.name);
    expect(offered).toEqual([
      'refuse-intake',
      'accept-intake',
      'request-intake-supplement',
      'record-payment',
    ]);
  });
});

describe('online payment while the dossier waits', () => {
  it('the online fee is due until paid; a transaction is recorded once', () => {
    const state = waiting();
    expect(amountDue(state.procedure, 'online')).toBe(10_000);
    expect(amountDue(state.procedure, 'counter')).toBe(20_000);
    expect(paymentStatus(state)).toEqual({
      dueVnd: 10_000,
      paidVnd: 0,
      outstandingVnd: 0 + 10_000,
      paid: false,
    });
    const payment = {
      amountVnd: 10_000,
      channel: 'local-portal' as const,
      transactionRef: 'TX-1',
      receiptRef: 'BL-1',
    };
    const paid = act(state, 'record-payment', applicant, payment, T0).state;
    expect(paymentStatus(paid)).toMatchObject({ paidVnd: 10_000, outstandingVnd: 0, paid: true });
    expect(rejection(() => act(paid, 'record-payment', applicant, payment, T0))).toBe('ONCE_ONLY');
  });

  it('a free procedure owes nothing', () => {
    const birth = getProcedure('1.001193', '2026-04-23');
    expect(amountDue(birth, 'online')).toBe(0);
  });
});
