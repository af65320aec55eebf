/**
 * The notifier (issue #17 item 4) with real workers on a time-skipping server, a nats-server of this
 * file's own, the SMS gateway emulator and the embedded SMTP receiver: each applicant gets, on the
 * channel chosen at intake, every message in Vietnamese, once; a redelivery after a crash between
 * sending and recording sends nothing twice (the gateway's idempotency key, the stable Message-ID);
 * a delivery refused for good shows on the dossier's timeline; a mail server that turns messages
 * away for a while is tried again; an erased dossier's messages cannot be opened and are skipped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Applicant, DossierApplicationInput } from '../../domain/application.js';
import { notificationKey } from '../../events/notification-message.js';
import { MailReceiver } from '../../notifications/mail-receiver.js';
import { MailSender } from '../../notifications/mail-sender.js';
import { NotificationStore } from '../../notifications/notification-store.js';
import { type RunningNotifier, startNotifier } from '../../notifications/notifier-setup.js';
import { defaultSmsToken, SmsGatewayEmulator } from '../../notifications/sms-gateway-emulator.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { approveDossier } from '../support/dossier-steps.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { testLogger } from '../support/test-logging.js';

const oneStop = demoUnits.camThanhOneStop;
const committee = demoUnits.camThanhCommittee;
const counter = actor('counter-officer', oneStop);
const leader = actor('leader', committee);
const specialist = actor('specialist', committee, 'chuyen-vien-thong-bao');
const logger = testLogger('test-notifier');
const from = '"Bộ phận Một cửa" <khong-tra-loi@motcua.example.vn>';

let system: DossierTestSystem;
let sms: SmsGatewayEmulator;
let mail: MailReceiver;
let notifier: RunningNotifier | undefined;
let serial = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, privateNats: true });
  sms = await SmsGatewayEmulator.start();
  mail = await MailReceiver.start();
});
afterAll(async () => {
  await notifier?.stop();
  await sms?.stop();
  await mail?.stop();
  await system?.teardown();
});
afterEach(() => {
  sms.clearFaults();
  mail.clearFaults();
});

function start(names: { consumerName?: string; bucket?: string } = {}): Promise<RunningNotifier> {
  return startNotifier({
    nc: system.nc,
    temporal: system.temporal,
    dataKeys: system.protection.dataKeys,
    settings: {
      smsUrl: sms.url,
      smsToken: defaultSmsToken,
      smsSender: 'MOTCUA',
      smtpUrl: mail.url,
      mailFrom: from,
      maxAttempts: 5,
    },
    logger,
    backoffMs: 50,
    ...names,
  });
}

async function receive(
  contact: Partial<Applicant> & Pick<DossierApplicationInput, 'notificationChannel'>,
): Promise<string> {
  serial++;
  const { notificationChannel, ...applicant } = contact;
  const outcome = await system.client.receive({
    application: {
      ...(await scannedHouseholdBusiness(system.documents, {
        requestId: `notifier-${Date.now()}-${serial}`,
        applicant: {
          type: 'citizen',
          fullName: `Phan Văn Tâm ${serial}`,
          idNumber: `0790930${String(serial).padStart(5, '0')}`,
          ...applicant,
        } as Applicant,
        channel: 'counter',
        receivingUnit: oneStop,
        competentAgency: committee,
      })),
      notificationChannel,
    },
    intake: { officer: counter },
  });
  return outcome.code;
}

async function toResult(code: string): Promise<void> {
  await approveDossier(system.client, code, { leader, specialist });
}

describe('the notifier', () => {
  it('sends every message of an SMS applicant and of an e-mail applicant once, on their channel; none to an applicant who asked for none', async () => {
    notifier = await start();
    const bySms = await receive({ notificationChannel: 'sms', phone: '0912555001' });
    const byMail = await receive({ notificationChannel: 'email', email: 'tam@example.vn' });
    const silent = await receive({ notificationChannel: 'none', phone: '0912555002' });
    for (const code of [bySms, byMail, silent]) await toResult(code);
    await notifier.service.caughtUp();

    const outbox = await system.notifications(bySms);
    expect(outbox.map((n) => n.kind)).toEqual(['accepted', 'result-ready', 'payment-due']);
    expect(sms.messages('0912555001').map((m) => [m.text, m.idempotencyKey, m.sender])).toEqual(
      outbox.map((n) => [n.text, notificationKey(n), 'MOTCUA']),
    );
    expect(sms.messages('0912555001')[0]?.text).toMatch(
      /^.+ đã tiếp nhận hồ sơ .+ Ngày hẹn trả kết quả: \d\d\/\d\d\/\d{4}\.$/,
    );

    const mails = mail.messages('tam@example.vn');
    const mailOutbox = await system.notifications(byMail);
    const sender = new MailSender({ url: mail.url, from });
    expect(mails.map((m) => [m.subject, m.text.trim(), m.messageId])).toEqual(
      mailOutbox.map((n) => [n.subject, n.text, sender.messageIdFor(notificationKey(n))]),
    );
    sender.close();
    expect(mails[0]?.subject).toBe(`Hồ sơ ${byMail}: đã tiếp nhận`);
    expect(mails[0]?.from).toContain('khong-tra-loi@motcua.example.vn');

    expect(sms.messages('0912555002')).toEqual([]);
    const store = await NotificationStore.open(system.nc);
    const [first] = await system.notifications(silent);
    expect(await store.get(first as never)).toMatchObject({ state: 'skipped', reason: 'no-contact' });
    expect(notifier.service.metrics().sent).toEqual({ sms: 3, email: 3 });
  });

  it('a redelivery of everything (as after a crash between sending and recording) reaches nobody twice', async () => {
    const smsBefore = sms.messages().length;
    const mailBefore = mail.stats();
    // Another consumer and an empty record: every message is delivered again and sent again.
    const replay = await start({ consumerName: `replay_${Date.now()}`, bucket: `replay_${Date.now()}` });
    try {
      await replay.service.caughtUp();
      expect(replay.service.metrics().sent.sms).toBeGreaterThanOrEqual(3);
    } finally {
      await replay.stop();
    }
    expect(sms.messages().length).toBe(smsBefore);
    expect(sms.stats().duplicates).toBeGreaterThanOrEqual(3);
    expect(mail.stats().messages).toBe(mailBefore.messages);
    expect(mail.stats().deliveries).toBeGreaterThan(mailBefore.deliveries);
  });

  it('a message refused for good goes on the dossier’s timeline; a mail server that turns messages away for a while is tried again', async () => {
    notifier ??= await start();
    sms.addFault({ kind: 'invalid-number', to: '0912555003' });
    const refused = await receive({ notificationChannel: 'sms', phone: '0912555003' });
    mail.unavailable(2);
    const later = await receive({ notificationChannel: 'email', email: 'sau@example.vn' });
    await notifier.service.caughtUp();

    const view = await system.client.get(refused);
    expect(view.state.history.at(-1)).toMatchObject({
      action: 'notification-failed',
      note: expect.stringContaining('accepted (sms): the SMS gateway refused the message (INVALID_NUMBER'),
    });
    expect((await system.events(refused)).at(-1)).toMatchObject({
      type: 'notification-failed',
      data: { kind: 'accepted', channel: 'sms' },
    });
    expect(JSON.stringify(view.state.history)).not.toContain('0912555003');
    expect(mail.messages('sau@example.vn').map((m) => m.subject)).toEqual([`Hồ sơ ${later}: đã tiếp nhận`]);
    expect(notifier.service.metrics().retried).toBeGreaterThanOrEqual(1);
  });

  it('an erased dossier’s messages cannot be opened, and are skipped', async () => {
    await notifier?.stop();
    notifier = undefined;
    const code = await receive({ notificationChannel: 'sms', phone: '0912555004' });
    await system.client.act(code, { name: 'withdraw', actor: counter, payload: {} });
    await system.temporal.workflow.getHandle(code).result();
    await system.protection.dataKeys.destroy(code);
    notifier = await start();
    await notifier.service.caughtUp();
    expect(sms.messages('0912555004')).toEqual([]);
    expect(notifier.service.metrics().skipped.erased).toBe(1);
  });
});
