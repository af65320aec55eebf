/**
 * The personal-data access log on the real nats-server (audit/access-log.ts): entries recorded and
 * read back per dossier in order, stored once per id, validated when read back; and the stream is
 * append-only: the server refuses a purge, a filtered purge, a message delete or erase, and a
 * stream update that would allow them again.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessOfficial } from '../../audit/access-entry.js';
import {
  AccessLog,
  AccessLogCorruptError,
  AccessLogUnavailableError,
  accessLogStreamConfig,
  accessLogStreamName,
} from '../../audit/access-log.js';
import { ensureStream } from '../../events/stream.js';
import { accessLogSubject } from '../../events/subjects.js';
import { connectNats } from '../support/test-servers.js';

let nc: NatsConnection;
let log: AccessLog;

beforeAll(async () => {
  nc = await connectNats('access-log-test');
  log = await AccessLog.open(nc);
});
afterAll(() => nc?.drain());

/** Codes of a unit no other test uses (999.99.99.Z99), so that the shared stream holds only ours for them. */
let sequence = 0;
function uniqueCode(): string {
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  return `999.99.99.Z99-2604${day}-${String(++sequence + 1000 * Math.floor(Math.random() * 9)).padStart(4, '0')}`;
}

const counter: AccessOfficial = {
  id: 'can-bo-01',
  name: 'Nguyễn Thị Thu',
  role: 'counter-officer',
  unit: '000.01.41.H99',
};
const specialist: AccessOfficial = {
  id: 'chuyen-vien-1',
  name: 'Phạm Thị Lan',
  role: 'specialist',
  unit: '000.00.41.H99',
};

describe('recording and reading back', () => {
  it('lists every entry of a dossier in the order recorded, and none of another dossier', async () => {
    const code = uniqueCode();
    const other = uniqueCode();
    const first = await log.record({ official: counter, dossierCode: code, route: 'dossier-view' });
    await log.record({ official: counter, dossierCode: other, route: 'dossier-view' });
    const second = await log.record({
      official: specialist,
      dossierCode: code,
      route: 'form',
      detail: 'receipt',
    });
    const third = await log.record({
      official: specialist,
      dossierCode: code,
      route: 'document',
      detail: `sha256:${'b'.repeat(64)}`,
    });
    expect(await log.listForDossier(code)).toEqual([first, second, third]);
    expect(first).toMatchObject({ official: counter, dossierCode: code, route: 'dossier-view' });
    expect(Date.parse(first.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await log.unitsThatAccessed(code)).toEqual([
      { unit: counter.unit, firstAt: first.at, lastAt: first.at, count: 1, routes: ['dossier-view'] },
      { unit: specialist.unit, firstAt: second.at, lastAt: third.at, count: 2, routes: ['form', 'document'] },
    ]);
  });

  it('a dossier nobody read has an empty log', async () => {
    expect(await log.listForDossier(uniqueCode())).toEqual([]);
    expect(await log.unitsThatAccessed(uniqueCode())).toEqual([]);
  });

  it('stores an entry once when its publish is retried with the same id', async () => {
    const code = uniqueCode();
    const id = randomUUID();
    const at = new Date().toISOString();
    await log.record({ id, at, official: counter, dossierCode: code, route: 'dossier-view' });
    await log.record({ id, at, official: counter, dossierCode: code, route: 'dossier-view' });
    expect((await log.listForDossier(code)).map((entry) => entry.id)).toEqual([id]);
  });

  it('reads more entries than one pull fetches', async () => {
    const code = uniqueCode();
    await Promise.all(
      Array.from({ length: 620 }, () =>
        log.record({ official: counter, dossierCode: code, route: 'form', detail: 'receipt' }),
      ),
    );
    expect(await log.listForDossier(code)).toHaveLength(620);
  });

  it('refuses to record an entry that breaks the schema, before anything is published', async () => {
    const code = uniqueCode();
    await expect(
      log.record({ official: counter, dossierCode: code, route: 'form', detail: 'Trần Thị Bình' }),
    ).rejects.toThrow(/detail/);
    await expect(
      log.record({ official: counter, dossierCode: code, route: 'export' as never }),
    ).rejects.toThrow(/route/);
    expect(await log.listForDossier(code)).toEqual([]);
  });

  it('validates what it reads back: a message that is not an entry is reported, never skipped', async () => {
    const code = uniqueCode();
    const js = jetstream(nc);
    await js.publish(accessLogSubject(code), JSON.stringify({ dossierCode: code, route: 'dossier-view' }));
    await expect(log.listForDossier(code)).rejects.toBeInstanceOf(AccessLogCorruptError);
    const elsewhere = uniqueCode();
    const entry = await log.record({ official: counter, dossierCode: code, route: 'dossier-view' });
    await js.publish(accessLogSubject(elsewhere), JSON.stringify({ ...entry, id: randomUUID() }));
    await expect(log.listForDossier(elsewhere)).rejects.toThrow(/names dossier/);
  });

  it('fails with AccessLogUnavailableError when NATS is gone', async () => {
    const lonely = await connectNats('access-log-lonely');
    const closedLog = await AccessLog.open(lonely);
    await lonely.close();
    const code = uniqueCode();
    await expect(
      closedLog.record({ official: counter, dossierCode: code, route: 'dossier-view' }),
    ).rejects.toBeInstanceOf(AccessLogUnavailableError);
    await expect(closedLog.listForDossier(code)).rejects.toBeInstanceOf(AccessLogUnavailableError);
  });
});

describe('the stream is append-only', () => {
  it('is created with deny_delete and deny_purge, and opening it again changes nothing', async () => {
    await AccessLog.open(nc);
    const jsm = await jetstreamManager(nc);
    const { config } = await jsm.streams.info(accessLogStreamName);
    expect(config).toMatchObject({
      deny_delete: true,
      deny_purge: true,
      allow_rollup_hdrs: false,
      storage: 'file',
    });
  });

  it('refuses a purge of the stream and of one dossier’s entries', async () => {
    const code = uniqueCode();
    await log.record({ official: counter, dossierCode: code, route: 'dossier-view' });
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.purge(accessLogStreamName)).rejects.toThrow(/purge not permitted/);
    await expect(jsm.streams.purge(accessLogStreamName, { filter: accessLogSubject(code) })).rejects.toThrow(
      /purge not permitted/,
    );
    expect(await log.listForDossier(code)).toHaveLength(1);
  });

  it('refuses to delete or erase a message', async () => {
    const code = uniqueCode();
    await log.record({ official: counter, dossierCode: code, route: 'dossier-view' });
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(accessLogStreamName, {
      last_by_subj: accessLogSubject(code),
    });
    const seq = stored?.seq ?? 0;
    expect(seq).toBeGreaterThan(0);
    await expect(jsm.streams.deleteMessage(accessLogStreamName, seq)).rejects.toThrow(/delete not permitted/);
    await expect(jsm.streams.deleteMessage(accessLogStreamName, seq, true)).rejects.toThrow(
      /delete not permitted/,
    );
    expect(await log.listForDossier(code)).toHaveLength(1);
  });

  it('refuses an update that would allow deletes or purges again', async () => {
    const jsm = await jetstreamManager(nc);
    const { config } = await jsm.streams.info(accessLogStreamName);
    await expect(jsm.streams.update(accessLogStreamName, { ...config, deny_delete: false })).rejects.toThrow(
      /can not cancel deny message deletes/,
    );
    await expect(jsm.streams.update(accessLogStreamName, { ...config, deny_purge: false })).rejects.toThrow(
      /can not cancel deny (stream )?purge/,
    );
    expect((await jsm.streams.info(accessLogStreamName)).config).toMatchObject(
      accessLogStreamConfig((await jsm.streams.info(accessLogStreamName)).config.num_replicas),
    );
  });

  it('a limit added to it later (which the server allows) is a drift the processes refuse to start with', async () => {
    // On a stream of its own with the same configuration: the shared one must stay as it is.
    const jsm = await jetstreamManager(nc);
    const name = `ACCESS_DRIFT_${Date.now()}`;
    const config = { ...accessLogStreamConfig(1), name, subjects: [`${name.toLowerCase()}.>`] };
    await ensureStream(jsm, config);
    const { config: created } = await jsm.streams.info(name);
    await jsm.streams.update(name, { ...created, max_age: nanos(3_600_000) });
    await expect(ensureStream(jsm, config)).rejects.toThrow(/max_age is 3600000000000, expected 0/);
    await jsm.streams.delete(name);
  });
});
