/**
 * The console's own copies of the rules stay those of the server, and its files are served safely
 * (no browser needed): web/rules.js against domain/ and api/authorization.ts (input rules, statuses,
 * who may act, and that every action the console offers is one the state machine accepts, and no
 * accepted one is hidden); web/form-labels.js against domain/forms.ts; the static routes and the
 * event stream's authentication in api/web.ts.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { mayAct, type SearchScope, actionRules as serverActionRules } from '../../api/authorization.js';
import { buildApiServer } from '../../api/server.js';
import { inScope } from '../../api/web.js';
import type { DossierClient } from '../../client/dossier-client.js';
import type { Actor } from '../../domain/actor.js';
import { PERSONAL_ID, PHONE, TAX_CODE } from '../../domain/application.js';
import { findProcedureVersion } from '../../domain/catalogue.js';
import {
  type ActionName,
  actionSchemas,
  type DossierAction,
  actionNames as domainActionNames,
} from '../../domain/dossier/dossier-actions.js';
import { checkAction } from '../../domain/dossier/dossier-checks.js';
import { accept, requestIntakeSupplement } from '../../domain/dossier/dossier-intake.js';
import { type DossierState, newDossier } from '../../domain/dossier/dossier-state.js';
import { statusNames as domainStatusNames } from '../../domain/dossier/dossier-status.js';
import { applyAction } from '../../domain/dossier/dossier-transitions.js';
import { labels as domainLabels } from '../../domain/forms/form-labels.js';
import { addCalendarDays, toCivilDate } from '../../domain/time.js';
import { parseDossierSubject } from '../../events/subjects.js';
import { isPeriodId } from '../../indicators/periods.js';
import type { DocumentStore } from '../../infra/document-store.js';
import { createLogger } from '../../infra/logging.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { citizenApplication, signedResult, vietnamInstant } from '../support/fixtures.js';

interface Official {
  id: string;
  name: string;
  unit: string;
  role: OfficialRole;
}
interface WebRules {
  PERSONAL_ID: RegExp;
  TAX_CODE: RegExp;
  PHONE: RegExp;
  statusNames: Record<string, string>;
  actionRules: Record<string, { roles: string[]; unit: string }>;
  actionNames: Record<string, string>;
  checkPersonalId(value: string): string;
  checkTaxCode(value: string): string;
  checkPhone(value: string, required?: boolean): string;
  availableActions(view: { state: DossierState; ended: boolean }, official: Official): ActionName[];
  dueClass(
    item: { dueDate?: string; overdue?: boolean; closed?: boolean; dueAt?: string },
    today: string,
    now: number,
  ): string;
  byDueDate(a: { code: string; dueAt?: string }, b: { code: string; dueAt?: string }): number;
  periodChoices(today: string): Array<{ value: string; label: string }>;
}

/** The console's modules are plain browser ES modules; these import without the DOM. */
const web = <T>(file: string): Promise<T> =>
  import(new URL(`../../web/${file}`, import.meta.url).href) as Promise<T>;

let rules: WebRules;
beforeAll(async () => {
  rules = await web<WebRules>('rules.js');
});

describe('web/rules.js and web/form-labels.js follow the server', () => {
  it('validates with the API’s rules for ID numbers, tax codes and phones', () => {
    expect(rules.PERSONAL_ID.source).toBe(PERSONAL_ID.source);
    expect(rules.TAX_CODE.source).toBe(TAX_CODE.source);
    expect(rules.PHONE.source).toBe(PHONE.source);
    expect(rules.checkPersonalId('079085012345')).toBe('');
    expect(rules.checkPersonalId('07908501234')).toContain('12 chữ số');
    expect(rules.checkPersonalId('07908501234a')).toContain('chỉ gồm chữ số');
    expect(rules.checkTaxCode('0123456789-001')).toBe('');
    expect(rules.checkTaxCode('012345678')).not.toBe('');
    expect(rules.checkPhone('+84987654321')).toBe('');
    expect(rules.checkPhone('12345')).not.toBe('');
    expect(rules.checkPhone('')).toBe('');
  });

  it('names every status and action, and gives each action to the roles and units the API does', () => {
    expect(rules.statusNames).toEqual(domainStatusNames);
    expect(rules.actionRules).toEqual(serverActionRules);
    expect(Object.keys(rules.actionNames).sort()).toEqual([...domainActionNames].sort());
  });

  it('prints the statutory forms with the labels of domain/forms.ts', async () => {
    const { labels } = await web<{ labels: unknown }>('form-labels.js');
    expect(labels).toEqual(domainLabels);
  });

  it('classifies appointments for the worklist: overdue, today, tomorrow, later', () => {
    const now = Date.parse('2026-04-23T10:00:00+07:00');
    const today = '2026-04-23';
    expect(rules.dueClass({ dueDate: '2026-04-22' }, today, now)).toBe('overdue');
    expect(rules.dueClass({ dueDate: '2026-04-28', overdue: true }, today, now)).toBe('overdue');
    expect(rules.dueClass({ dueDate: '2026-04-23' }, today, now)).toBe('today');
    expect(rules.dueClass({ dueDate: '2026-04-24' }, today, now)).toBe('tomorrow');
    expect(rules.dueClass({ dueDate: '2026-04-30' }, today, now)).toBe('later');
    expect(rules.dueClass({}, today, now)).toBe('none');
    expect(rules.dueClass({ dueDate: '2026-04-01', closed: true }, today, now)).toBe('closed');
    const items = [
      { code: 'c', dueAt: undefined },
      { code: 'b', dueAt: '2026-04-25T10:00:00Z' },
      { code: 'a', dueAt: '2026-04-24T10:00:00Z' },
    ];
    expect([...items].sort(rules.byDueDate).map((i) => i.code)).toEqual(['a', 'b', 'c']);
  });

  it('offers only periods the indicator API accepts', () => {
    for (const today of ['2026-01-05', '2026-07-15', '2026-11-27']) {
      const choices = rules.periodChoices(today);
      expect(choices.length).toBeGreaterThan(5);
      for (const choice of choices) expect(isPeriodId(choice.value), choice.value).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the actions the console offers are exactly those the rules accept', () => {
  const calendar = loadCalendar('VN');
  const organisation = loadOrganisation('demo');
  const oneStop = '000.01.41.H99';
  const committee = '000.00.41.H99';
  const officials: Official[] = [
    { id: 'mot-cua', name: 'Một cửa', unit: oneStop, role: 'counter-officer' },
    { id: 'mot-cua-khac', name: 'Một cửa khác', unit: '000.01.42.H99', role: 'counter-officer' },
    { id: 'lanh-dao', name: 'Lãnh đạo', unit: committee, role: 'leader' },
    { id: 'cv-1', name: 'Chuyên viên 1', unit: committee, role: 'specialist' },
    { id: 'cv-2', name: 'Chuyên viên 2', unit: committee, role: 'specialist' },
    { id: 'lanh-dao-khac', name: 'Lãnh đạo khác', unit: '000.00.42.H99', role: 'leader' },
    { id: 'giam-sat', name: 'Giám sát', unit: '000.00.00.H99', role: 'supervisor' },
    { id: 'quan-tri', name: 'Quản trị', unit: '000.00.00.H99', role: 'administrator' },
  ];
  const receivedAt = vietnamInstant('2026-04-23T10:00');
  const procedure = findProcedureVersion(loadCatalogue().procedures, '1.001612', '2026-04-23');

  const act = (state: DossierState, name: ActionName, actor: Actor, payload: unknown, at: number) =>
    applyAction(
      state,
      { name, actor, payload: actionSchemas[name].parse(payload) } as DossierAction,
      at,
      calendar,
      name === 'approve' ? { result: signedResult('approval') } : {},
    ).state;

  function states(): Array<[string, DossierState, number]> {
    const application = citizenApplication();
    const fresh = newDossier('000.01.41.H99-260423-0001', application, procedure, receivedAt);
    const counter = officials[0] as Actor;
    const leader = officials[2] as Actor;
    const specialist = officials[3] as Actor;
    const hour = 3_600_000;
    const accepted = accept(fresh, receivedAt, calendar, counter).state;
    const assigned = act(
      accepted,
      'assign',
      leader,
      { specialist: { id: 'cv-1', name: 'Chuyên viên 1' } },
      receivedAt + hour,
    );
    const appraised = act(
      assigned,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'Đủ' },
      receivedAt + 2 * hour,
    );
    const approved = act(appraised, 'approve', leader, {}, receivedAt + 3 * hour);
    const returned = act(approved, 'return-result', counter, { channel: 'counter' }, receivedAt + 4 * hour);
    const intakeSupplement = requestIntakeSupplement(
      fresh,
      receivedAt,
      [{ kind: 'giay-to-phap-ly-ca-nhan', name: 'Giấy tờ pháp lý', reason: 'Thiếu', form: 'paper' }],
      counter,
    ).state;
    const supplementing = act(
      assigned,
      'request-supplementation',
      specialist,
      { items: [{ name: 'Bản vẽ', reason: 'Thiếu', form: 'paper' }], reason: 'Chưa đủ' },
      receivedAt + 2 * hour,
    );
    const rescheduledDate = nextWorkingDay(addCalendarDays(toCivilDate(receivedAt), 10));
    const apologized = act(
      assigned,
      'apologize',
      leader,
      { reason: 'Xác minh', newDueDate: rescheduledDate },
      receivedAt + 2 * hour,
    );
    return [
      ['waiting for intake', fresh, receivedAt + hour],
      ['accepted', accepted, receivedAt + hour],
      ['assigned', assigned, receivedAt + 2 * hour],
      ['appraised', appraised, receivedAt + 3 * hour],
      ['approved', approved, receivedAt + 4 * hour],
      ['returned', returned, receivedAt + 5 * hour],
      ['supplementing at intake', intakeSupplement, receivedAt + hour],
      ['supplementing in processing', supplementing, receivedAt + 3 * hour],
      ['apologized', apologized, receivedAt + 3 * hour],
    ];
  }

  function nextWorkingDay(date: string): string {
    let day = date;
    while (!calendar.isWorkingDay(day)) day = addCalendarDays(day, 1);
    return day;
  }

  function payloadFor(action: ActionName, official: Official, state: DossierState): unknown {
    const due = state.apology?.newDueDate ?? toCivilDate(state.acceptedAt ?? receivedAt);
    const payloads: Record<ActionName, unknown> = {
      'provide-intake-supplement': { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' }] },
      'provide-supplementation': { documents: [{ kind: 'ban-ve', form: 'paper' }] },
      'refuse-intake': { reason: 'Không thuộc thẩm quyền' },
      'request-supplementation': {
        items: [{ name: 'Bản vẽ', reason: 'Thiếu', form: 'paper' }],
        reason: 'Chưa đủ',
      },
      assign: { specialist: { id: 'cv-1', name: 'Chuyên viên 1' } },
      appraise: { recommendation: 'approve', note: 'Đủ' },
      'start-inter-agency': {
        participants: [{ agency: '000.00.11.H99', task: 'Cho ý kiến', workingDays: 2 }],
      },
      'complete-inter-agency': { agency: official.unit, opinion: 'Đồng ý' },
      approve: {},
      refuse: { reason: 'Không đủ điều kiện' },
      apologize: { reason: 'Xác minh', newDueDate: nextWorkingDay(addCalendarDays(due, 20)) },
      stop: { reason: 'Dừng' },
      withdraw: {},
      'return-result': { channel: 'counter' },
      'record-payment': { amountVnd: 100_000, channel: 'cash' },
      evaluate: { scores: { '1': 2 } },
    };
    return actionSchemas[action].parse(payloads[action]);
  }

  /** Whether the API and the state machine together accept the action now. */
  function accepted(state: DossierState, action: ActionName, official: Official, at: number): boolean {
    const scope = {
      code: state.code,
      receivingUnit: state.application.receivingUnit,
      competentAgency: state.application.competentAgency,
      participatingAgencies: state.interAgency.map((t) => t.agency),
    };
    if (official.role === 'supervisor' || official.role === 'administrator') return false;
    if (!mayAct(official, action, scope, { agency: official.unit }).allowed) return false;
    // The API enters the applicant's evaluation as the applicant.
    const actor: Actor =
      action === 'evaluate'
        ? { id: `applicant:${state.code}`, name: 'Người nộp', unit: 'applicant', role: 'applicant' }
        : official;
    try {
      checkAction(
        state,
        { name: action, actor, payload: payloadFor(action, official, state) } as DossierAction,
        at,
        calendar,
      );
      return true;
    } catch {
      return false;
    }
  }

  it('for every official at every step of a dossier', () => {
    expect(organisation.has(committee)).toBe(true);
    const seen: Record<string, string[]> = {};
    for (const [step, state, at] of states()) {
      for (const official of officials) {
        const offered = [...rules.availableActions({ state, ended: false }, official)].sort();
        const legal = domainActionNames.filter((action) => accepted(state, action, official, at)).sort();
        expect(offered, `${step}: ${official.id}`).toEqual(legal);
        seen[`${step}: ${official.id}`] = offered;
      }
    }
    // A few by name, so that the comparison above is known not to be empty on both sides.
    expect(seen['waiting for intake: mot-cua']).toEqual(['refuse-intake']);
    expect(seen['accepted: lanh-dao']).toEqual([
      'apologize',
      'assign',
      'request-supplementation',
      'start-inter-agency',
      'stop',
    ]);
    expect(seen['assigned: cv-1']).toEqual(['appraise', 'request-supplementation', 'start-inter-agency']);
    expect(seen['assigned: cv-2']).toEqual(['request-supplementation', 'start-inter-agency']);
    expect(seen['approved: mot-cua']).toEqual(['record-payment', 'return-result']);
    expect(seen['returned: mot-cua']).toEqual(['evaluate']);
    expect(seen['supplementing at intake: mot-cua']).toEqual(['provide-intake-supplement', 'refuse-intake']);
    expect(seen['supplementing in processing: mot-cua']).toContain('provide-supplementation');
    expect(seen['apologized: lanh-dao']).not.toContain('apologize');
    expect(seen['accepted: mot-cua-khac']).toEqual([]);
    expect(seen['accepted: giam-sat']).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('api/web.ts', () => {
  let app: FastifyInstance;
  const secret = generateSecret();

  beforeAll(async () => {
    app = await buildApiServer({
      temporal: {} as Client,
      dossiers: {} as DossierClient,
      nc: {} as NatsConnection,
      documents: {} as DocumentStore,
      organisation: loadOrganisation('demo'),
      secret,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(() => app?.close());

  it('serves the console’s files with their types, an ETag and a strict policy, and nothing else', async () => {
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<html lang="vi">');
    const again = await app.inject({
      method: 'GET',
      url: '/console/',
      headers: { 'if-none-match': String(page.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const script = await app.inject({ method: 'GET', url: '/console/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await app.inject({ method: 'GET', url: '/console/console.css' });
    expect(css.body).toContain('size: A5');
    expect((await app.inject({ method: 'GET', url: '/console' })).statusCode).toBe(301);
    expect((await app.inject({ method: 'GET', url: '/console/missing.js' })).statusCode).toBe(404);
    for (const probe of [
      '/console/..%2Fpackage.json',
      '/console/.env',
      '/console/%2e%2e%2fapi%2fauth.ts',
      '/console/APP.JS',
    ]) {
      const response = await app.inject({ method: 'GET', url: probe });
      expect([400, 404], probe).toContain(response.statusCode);
    }
  });

  it('asks for a valid token before streaming events', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/events' })).statusCode).toBe(401);
    const forged = await issueToken(generateSecret(), {
      sub: 'x',
      name: 'X',
      unit: '000.00.00.H99',
      role: 'supervisor',
    });
    const response = await app.inject({
      method: 'GET',
      url: '/v1/events',
      headers: { authorization: `Bearer ${forged.token}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'bad-signature' });
  });

  it('reads the units of an event from its subject and keeps each official to their scope', () => {
    const changed = parseDossierSubject('tthc.dossier.000_00_41_H99.000_01_41_H99.accepted');
    expect(changed).toEqual({
      type: 'accepted',
      competentAgency: '000.00.41.H99',
      receivingUnit: '000.01.41.H99',
    });
    expect(parseDossierSubject('tthc.feedback.000_00_11_H99.x.y')).toBeUndefined();
    expect(parseDossierSubject('tthc.dossier.too.short')).toBeUndefined();
    const message = changed as NonNullable<typeof changed>;
    const scopes: Array<[SearchScope, boolean]> = [
      [{ kind: 'all' }, true],
      [{ kind: 'subtree', units: ['000.00.41.H99', '000.01.41.H99'] }, true],
      [{ kind: 'subtree', units: ['000.00.42.H99'] }, false],
      [{ kind: 'receiving-unit', unit: '000.01.41.H99' }, true],
      [{ kind: 'receiving-unit', unit: '000.01.42.H99' }, false],
      [{ kind: 'competent-agency', unit: '000.00.41.H99' }, true],
      [{ kind: 'competent-agency', unit: '000.01.41.H99' }, false],
    ];
    for (const [scope, expected] of scopes)
      expect(inScope(scope, message), JSON.stringify(scope)).toBe(expected);
  });
});
