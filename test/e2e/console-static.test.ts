/**
 * The console keeps no copy of the server's rules, and its files are served safely (no browser
 * needed): the names and input patterns it gets from the server's names.js are the domain's, its
 * input checks use them, web/ defines none of the tables the server serves, its own worklist and
 * dashboard logic, and the static routes and the event stream's authentication in api/web.ts.
 * (Which actions the console offers is the dossier view's `actions`: test/unit/offered-actions.test.ts.)
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken } from '../../api/auth.js';
import type { SearchScope } from '../../api/authorization.js';
import { buildApiServer } from '../../api/server.js';
import { inScope } from '../../api/web.js';
import type { AccessLog } from '../../audit/access-log.js';
import type { DossierClient } from '../../client/dossier-client.js';
import { PERSONAL_ID, PHONE, TAX_CODE } from '../../domain/application.js';
import { displayNames } from '../../domain/display-names.js';
import { DOSSIER_CODE } from '../../domain/dossier-code.js';
import { parseDossierSubject } from '../../events/subjects.js';
import { isPeriodId } from '../../indicators/periods.js';
import type { DocumentStore } from '../../infra/document-store.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';

interface ServedNames {
  displayNames: unknown;
  inputPatterns: Record<'personalId' | 'taxCode' | 'phone' | 'dossierCode', RegExp>;
}
interface InputChecks {
  checkPersonalId(value: string): string;
  checkTaxCode(value: string): string;
  checkPhone(value: string, required?: boolean): string;
  checkEmail(value: string): string;
}
interface DueDates {
  dueClass(
    item: { dueDate?: string; overdue?: boolean; closed?: boolean; dueAt?: string },
    today: string,
    now: number,
  ): string;
  byDueDate(a: { code: string; dueAt?: string }, b: { code: string; dueAt?: string }): number;
}
interface DashboardChoices {
  periodChoices(today: string): Array<{ value: string; label: string }>;
}

const webRoot = new URL('../../web/', import.meta.url);
/** The console's pure modules are plain browser ES modules; these import without the DOM. */
const web = <T>(file: string): Promise<T> => import(new URL(file, webRoot).href) as Promise<T>;

const secret = generateSecret();
let app: FastifyInstance;
/** A folder holding modules as the API serves them, so that they import each other as in a browser. */
let servedDir = '';

beforeAll(async () => {
  app = await buildApiServer({
    temporal: {} as Client,
    dossiers: {} as DossierClient,
    nc: {} as NatsConnection,
    documents: {} as DocumentStore,
    accessLog: {} as AccessLog,
    organisation: loadOrganisation('demo'),
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
  servedDir = await mkdtemp(join(tmpdir(), 'tthc-console-served-'));
});
afterAll(async () => {
  await app?.close();
  if (servedDir) await rm(servedDir, { recursive: true, force: true });
});

/** Imports a console module as served at /console/{file}, with the served modules it imports. */
async function served<T>(file: string, alongWith: string[] = []): Promise<T> {
  for (const name of [file, ...alongWith]) {
    const response = await app.inject({ method: 'GET', url: `/console/${name}` });
    expect(response.statusCode, name).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await writeFile(join(servedDir, name), response.body);
  }
  return import(pathToFileURL(join(servedDir, file)).href) as Promise<T>;
}

/** Every .js file of web/ and its folders, with its text. */
async function webSources(): Promise<Array<{ file: string; text: string }>> {
  const entries = await readdir(webRoot, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { file: path.slice(webRoot.pathname.length), text: await readFile(path, 'utf8') };
      }),
  );
}

/** The tables of names the server serves, each as its list of names. */
function servedTables(): Array<[string, string[]]> {
  const tables: Array<[string, string[]]> = [];
  const visit = (value: object, path: string) => {
    const entries = Object.entries(value);
    if (entries.every(([, v]) => typeof v === 'string')) tables.push([path, entries.map(([, v]) => v)]);
    else for (const [key, v] of entries) visit(v as object, path ? `${path}.${key}` : key);
  };
  visit(displayNames, '');
  return tables;
}

describe('the console takes the rules’ names and patterns from the server', () => {
  it('serves names.js with the domain’s display names and the API’s input patterns', async () => {
    const names = await served<ServedNames>('names.js');
    expect(names.displayNames).toEqual(displayNames);
    expect(names.inputPatterns.personalId.source).toBe(PERSONAL_ID.source);
    expect(names.inputPatterns.taxCode.source).toBe(TAX_CODE.source);
    expect(names.inputPatterns.phone.source).toBe(PHONE.source);
    expect(names.inputPatterns.dossierCode.source).toBe(DOSSIER_CODE.source);
    expect(names.inputPatterns.dossierCode.test('000.01.41.H99-260423-0001')).toBe(true);
    expect(names.inputPatterns.dossierCode.test('000.01.41.H99-260423-001')).toBe(false);
  });

  it('validates with the API’s rules for ID numbers, tax codes and phones', async () => {
    const checks = await served<InputChecks>('input-checks.js', ['names.js']);
    expect(checks.checkPersonalId('079085012345')).toBe('');
    expect(checks.checkPersonalId('07908501234')).toContain('12 chữ số');
    expect(checks.checkPersonalId('07908501234a')).toContain('chỉ gồm chữ số');
    expect(checks.checkTaxCode('0123456789-001')).toBe('');
    expect(checks.checkTaxCode('012345678')).not.toBe('');
    expect(checks.checkPhone('+84987654321')).toBe('');
    expect(checks.checkPhone('12345')).not.toBe('');
    expect(checks.checkPhone('')).toBe('');
    expect(checks.checkEmail('an.nguyen@example.vn')).toBe('');
    expect(checks.checkEmail('an.nguyen')).not.toBe('');
  });

  it('defines none of the tables the server serves in web/', async () => {
    const sources = await webSources();
    expect(sources.map((s) => s.file)).toContain('counter/counter-screen.js');
    expect(sources.map((s) => s.file)).not.toContain('names.js');
    const definitions =
      /\b(statusNames|stepNames|roleNames|channelNames|historyNames|formNames|actionNames|actionTitles|actionRules|labels|stateAllows|availableActions|PERSONAL_ID|TAX_CODE|PHONE|DOSSIER_CODE)\s*=[^=]/;
    const quoted = (text: string, name: string) =>
      ["'", '"', '`'].some((q) => text.includes(`${q}${name}${q}`));
    for (const { file, text } of sources) {
      expect(definitions.exec(text)?.[0], file).toBeUndefined();
      // "Từ chối" is also the word for a refused result on the dossier page.
      for (const status of Object.values(displayNames.statuses).filter((name) => name !== 'Từ chối'))
        expect(quoted(text, status), `${file}: ${status}`).toBe(false);
      // A label may match one of a table by chance ("Mã hồ sơ"); a copied table matches most of it.
      for (const [table, names] of servedTables()) {
        const copied = new Set(names.filter((name) => quoted(text, name)));
        expect(copied.size, `${file} copies ${table}: ${[...copied].join(', ')}`).toBeLessThan(
          names.length / 2,
        );
      }
    }
  });
});

describe('the console’s own logic', () => {
  it('classifies appointments for the worklist: overdue, today, tomorrow, later', async () => {
    const rules = await web<DueDates>('due-dates.js');
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

  it('offers only periods the indicator API accepts', async () => {
    const { periodChoices } = await web<DashboardChoices>('dashboard-choices.js');
    for (const today of ['2026-01-05', '2026-07-15', '2026-11-27']) {
      const choices = periodChoices(today);
      expect(choices.length).toBeGreaterThan(5);
      for (const choice of choices) expect(isPeriodId(choice.value), choice.value).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('api/web.ts', () => {
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
    // One level of folders (web/counter/), and the module generated from the domain.
    const section = await app.inject({ method: 'GET', url: '/console/counter/counter-screen.js' });
    expect(section.statusCode).toBe(200);
    expect(section.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(section.body).toContain('export async function counterScreen');
    const names = await app.inject({ method: 'GET', url: '/console/names.js' });
    expect(names.statusCode).toBe(200);
    expect(names.headers.etag).toMatch(/^"[\w-]{22}"$/);
    expect((await app.inject({ method: 'GET', url: '/console/counter/missing.js' })).statusCode).toBe(404);
    for (const probe of [
      '/console/..%2Fpackage.json',
      '/console/.env',
      '/console/%2e%2e%2fapi%2fauth.ts',
      '/console/APP.JS',
      '/console/counter/..%2F..%2Fpackage.json',
      '/console/../api/auth.ts',
      '/console/%2e%2e/api/auth.ts',
      '/console/api/auth.ts',
      '/console/counter/sub/x.js',
      '/console/Counter/counter-screen.js',
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
