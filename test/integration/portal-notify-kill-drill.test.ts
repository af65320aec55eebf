/**
 * The kill drill (issue #17, Tests): the portal sync and the notifier run in a worker process of
 * their own (TTHC_PORTAL_SYNC=true, TTHC_NOTIFIER=true) while a batch of dossiers goes through its
 * life; the process is killed with SIGKILL twice in the middle and started again. Afterwards the
 * portal emulator holds every state of every dossier once and in order, every dossier knows it is
 * synced, and every applicant got every message once, by SMS or e-mail as asked. The emulators
 * answer slowly, so that a kill lands between a send and its record; the receivers then take the
 * same message again (the portal by its version, the SMS gateway by its idempotency key, the mail
 * receiver by its Message-ID) and nobody gets it twice.
 */
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationKey } from '../../events/notification-message.js';
import { eventStreamName } from '../../events/stream.js';
import { MailReceiver } from '../../notifications/mail-receiver.js';
import { MailSender } from '../../notifications/mail-sender.js';
import { defaultSmsToken, SmsGatewayEmulator } from '../../notifications/sms-gateway-emulator.js';
import { defaultPortalAccount, PortalEmulator } from '../../portal/portal-emulator.js';
import { DEFAULT_PORTAL_SYNC_CONSUMER } from '../../portal/portal-sync-status.js';
import { PortalSyncStore } from '../../portal/portal-sync-store.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import {
  killAllServiceProcesses,
  killNow,
  type ServiceProcess,
  startServiceProcess,
} from '../support/service-process.js';

const oneStop = demoUnits.konTumOneStop;
const committee = demoUnits.konTumCommittee;
const counter = actor('counter-officer', oneStop);
const leader = actor('leader', committee);
const specialist = actor('specialist', committee, 'chuyen-vien-dien-tap');
const dossiers = 24;
const mailFrom = '"Bộ phận Một cửa" <khong-tra-loi@motcua.example.vn>';

let system: DossierTestSystem;
let portal: PortalEmulator;
let sms: SmsGatewayEmulator;
let mail: MailReceiver;
/** The service process running now (its log is shown when the drill fails). */
let current: ServiceProcess | undefined;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, privateNats: true });
  portal = await PortalEmulator.start();
  sms = await SmsGatewayEmulator.start();
  mail = await MailReceiver.start();
  // Slow answers: a kill lands while requests are in flight.
  portal.addFault({ kind: 'slow', delayMs: 40 });
  sms.addFault({ kind: 'slow', delayMs: 30 });
});
afterAll(async () => {
  await killAllServiceProcesses();
  await Promise.allSettled([portal?.stop(), sms?.stop(), mail?.stop()]);
  await system?.teardown();
});

async function services(): Promise<ServiceProcess> {
  current = await startServiceProcess({
    TTHC_NATS_URL: system.natsUrl,
    TTHC_TEMPORAL_ADDRESS: system.temporalAddress,
    TTHC_DATA_DIR: system.dataDir,
    TTHC_PORTAL_SYNC: 'true',
    TTHC_PORTAL_URL: portal.url,
    TTHC_PORTAL_USERNAME: defaultPortalAccount.username,
    TTHC_PORTAL_PASSWORD: defaultPortalAccount.password,
    TTHC_PORTAL_UNIT_CODE: defaultPortalAccount.madonvi,
    TTHC_PORTAL_TIMEOUT: '5s',
    TTHC_NOTIFIER: 'true',
    TTHC_SMS_GATEWAY_URL: sms.url,
    TTHC_SMS_GATEWAY_TOKEN: defaultSmsToken,
    TTHC_SMTP_URL: mail.url,
    TTHC_MAIL_FROM: mailFrom,
    // The service's log (shown when the drill fails) says what each batch did with each dossier.
    TTHC_LOG_LEVEL: 'debug',
  });
  return current;
}

/** One dossier's life, its applicant told by SMS, by e-mail, or not at all. */
async function lifecycle(i: number): Promise<string> {
  const channel = (['sms', 'email', 'none'] as const)[i % 3];
  const application = await scannedHouseholdBusiness(system.documents, {
    requestId: `kill-drill-${Date.now()}-${i}`,
    applicant: {
      type: 'citizen',
      fullName: `Người thử ${i}`,
      idNumber: `0790940${String(i).padStart(5, '0')}`,
      phone: `09125560${String(i).padStart(2, '0')}`,
      email: `nguoi.thu.${i}@example.vn`,
    },
    channel: 'counter',
    receivingUnit: oneStop,
    competentAgency: committee,
  });
  const { code } = await system.client.receive({
    application: { ...application, notificationChannel: channel },
    intake: { officer: counter },
  });
  const act = (
    name: 'assign' | 'appraise' | 'approve' | 'record-payment' | 'return-result',
    by: typeof leader,
    payload: unknown,
  ) => system.client.act(code, { name, actor: by, payload });
  await act('assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
  await act('appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
  await act('approve', leader, {});
  await act('record-payment', counter, { amountVnd: 100_000, channel: 'cash' });
  await act('return-result', counter, { channel: 'counter' });
  return code;
}

async function runAll(): Promise<string[]> {
  const codes: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < dossiers) codes.push(await lifecycle(next++));
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  return codes;
}

async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: portal ${JSON.stringify(portal.stats())}, sms ${sms.messages().length}, mail ${mail.messages().length}\nthe service process's log:\n${current?.output().slice(-6_000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** For a failure: each dossier the portal lacks states of, with its events and its cursor, and the consumer. */
async function whatIsMissing(codes: string[]): Promise<string> {
  const info = await (
    await jetstream(system.nc).consumers.get(eventStreamName, DEFAULT_PORTAL_SYNC_CONSUMER)
  ).info();
  const store = await PortalSyncStore.open(system.nc);
  const lines = [
    `consumer: ${JSON.stringify({ pending: info.num_pending, unacknowledged: info.num_ack_pending, redelivered: info.num_redelivered })}`,
  ];
  for (const code of codes) {
    const held = portal.dossier(code)?.progress.map((p) => p.PhienBan) ?? [];
    const expected = await syncedSeqs(code);
    if (held.length < expected.length)
      lines.push(
        `${code}: portal ${held}, expected ${expected}, cursor ${JSON.stringify(await store.cursor(code))}`,
      );
  }
  return lines.join('\n');
}

async function syncedSeqs(code: string): Promise<number[]> {
  return (await system.publishedEvents(code))
    .filter((e) => e.type !== 'portal-synced' && e.type !== 'notification-failed')
    .map((e) => e.seq);
}

describe('the kill drill', () => {
  it('kill -9 of the sync service and the notifier mid-batch, twice: every state reaches the portal once and in order, every applicant every message once', async () => {
    let service = await services();
    const workload = runAll();

    // First kill: some updates and messages out, most not.
    await until(
      'the first updates at the portal',
      () => portal.stats().progressAccepted >= 30 && sms.messages().length >= 2,
    );
    await killNow(service);
    const atFirstKill = portal.stats().progressAccepted;
    service = await services();

    // Second kill, later in the batch.
    await until('more updates at the portal', () => portal.stats().progressAccepted >= atFirstKill + 40);
    await killNow(service);
    service = await services();

    const codes = await workload;
    expect(codes).toHaveLength(dossiers);
    await until('every state of every dossier at the portal', async () => {
      for (const code of codes) {
        const held = portal.dossier(code)?.progress.map((p) => p.PhienBan) ?? [];
        if (held.length < (await syncedSeqs(code)).length) return false;
      }
      return true;
    }).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${await whatIsMissing(codes)}`);
    });

    // The portal holds every state of every dossier once, in order; nothing came out of order.
    for (const code of codes) {
      const expected = await syncedSeqs(code);
      const held = portal.dossier(code);
      expect(
        held?.progress.map((p) => p.PhienBan),
        code,
      ).toEqual(expected);
      expect(held?.record.PhienBan, code).toBe(expected.at(-1));
      expect(held?.record.TrangThaiHoSo, code).toBe('10');
    }
    expect(portal.stats().outOfOrder).toBe(0);

    // Every dossier knows it is synced (once), so the indicators count it.
    await until('every dossier synced', async () => {
      for (const code of codes)
        if ((await system.client.get(code)).state.portalSyncedAt === undefined) return false;
      return true;
    });
    for (const code of codes)
      expect(
        (await system.publishedEvents(code)).filter((e) => e.type === 'portal-synced'),
        code,
      ).toHaveLength(1);

    // Every applicant who asked got every message once, on their channel; the others nothing.
    const expected: Array<{ code: string; key: string; channel?: 'sms' | 'email'; to?: string }> = [];
    for (const code of codes) {
      for (const n of await system.notifications(code)) {
        const to = n.contact?.channel === 'sms' ? n.contact.phone : n.contact?.email;
        expected.push({ code, key: notificationKey(n), channel: n.contact?.channel, to });
      }
    }
    const bySms = expected.filter((e) => e.channel === 'sms');
    const byMail = expected.filter((e) => e.channel === 'email');
    expect(bySms.length).toBeGreaterThan(20);
    expect(byMail.length).toBeGreaterThan(20);
    const ids = new MailSender({ url: mail.url, from: mailFrom });
    await until(
      'every message delivered',
      () => sms.messages().length >= bySms.length && mail.messages().length >= byMail.length,
    );
    expect(
      sms
        .messages()
        .map((m) => `${m.to} ${m.idempotencyKey}`)
        .sort(),
    ).toEqual(bySms.map((e) => `${e.to} ${e.key}`).sort());
    expect(
      mail
        .messages()
        .map((m) => `${m.to.join()} ${m.messageId}`)
        .sort(),
    ).toEqual(byMail.map((e) => `${e.to} ${ids.messageIdFor(e.key)}`).sort());
    ids.close();

    // What the receivers had to deduplicate after the kills (printed when the test fails).
    console.info('kill drill: duplicates the receivers took and ignored', {
      portalRecords: portal.stats().recordDuplicates,
      portalProgress: portal.stats().progressDuplicates,
      sms: sms.stats().duplicates,
      mail: mail.stats().duplicates,
    });
    await killNow(service);
  }, 300_000);
});
