/**
 * The embedded SMTP receiver (notifications/mail-receiver.ts) outlives senders that die in the
 * middle of a message: found by the kill drill, where a killed notifier's reset connection came
 * back as the receiver's 'error' and, the second time, crashed the process that ran it.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailReceiver } from '../../notifications/mail-receiver.js';
import { MailSender } from '../../notifications/mail-sender.js';

let mail: MailReceiver;
beforeAll(async () => {
  mail = await MailReceiver.start();
});
afterAll(() => mail?.stop());

/** Opens a mail transaction (MAIL FROM accepted) and resets the connection, as a killed sender's kernel does. */
async function dieMidTransaction(): Promise<void> {
  const { port } = new URL(mail.url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  // Each final reply line ("250 …", not "250-…") is the server's answer to the next step.
  const steps = ['EHLO killed.example\r\n', 'MAIL FROM:<khong-tra-loi@motcua.example.vn>\r\n'];
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!/^\d{3} /.test(line)) continue;
        if (!line.startsWith('2')) return reject(new Error(`the receiver answered ${line}`));
        const next = steps.shift();
        if (next === undefined) return resolve();
        socket.write(next);
      }
    });
  });
  socket.resetAndDestroy();
}

describe('the mail receiver', () => {
  it('takes the next message after senders reset their connections mid-transaction, twice', async () => {
    await dieMidTransaction();
    await dieMidTransaction();
    const sender = new MailSender({
      url: mail.url,
      from: '"Bộ phận Một cửa" <khong-tra-loi@motcua.example.vn>',
    });
    try {
      await sender.send({ to: 'an@example.vn', subject: 'Hồ sơ đã tiếp nhận', text: 'Xin chào', key: 'k-1' });
    } finally {
      sender.close();
    }
    expect(mail.messages('an@example.vn').map((m) => m.subject)).toEqual(['Hồ sơ đã tiếp nhận']);
  });
});
