/**
 * The embedded SMTP receiver of `npm start` and the tests (smtp-server, messages parsed with
 * mailparser): it stands for the applicants' mail providers. It keeps what it received in memory
 * only, as an outside system's mailbox (no file, no log of a message's content), one entry per
 * Message-ID as a mail client shows them, with how many times each was delivered. Faults for
 * tests: a recipient refused for good (550), the server unavailable for a while (421).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
  /** Times this Message-ID arrived (more than 1 only after a sender's retry). */
  deliveries: number;
}

export class MailReceiver {
  private readonly mails = new Map<string, ReceivedMail>();
  private readonly refused = new Set<string>();
  private unavailableTimes = 0;
  private deliveries = 0;

  private constructor(
    private readonly server: SMTPServer,
    /** nodemailer's URL of this server. */
    readonly url: string,
  ) {}

  static async start(options: { port?: number; host?: string } = {}): Promise<MailReceiver> {
    let receiver: MailReceiver | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: 2 * 2 ** 20,
      banner: 'tthc-flow mail receiver (development)',
      closeTimeout: 1_000,
      onMailFrom(_address, _session, callback) {
        if (receiver && receiver.unavailableTimes > 0) {
          receiver.unavailableTimes--;
          return callback(
            Object.assign(new Error('4.3.2 Service not available, try again later'), { responseCode: 421 }),
          );
        }
        callback();
      },
      onRcptTo(address, _session, callback) {
        if (receiver?.refused.has(address.address.toLowerCase()))
          return callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            receiver?.store({
              messageId: parsed.messageId ?? `<no-id-${Date.now()}>`,
              from: parsed.from?.text ?? '',
              to: (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) =>
                a.value.map((v) => v.address ?? ''),
              ),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    // A sender that dies mid-conversation resets its connection; smtp-server reports that as the
    // server's 'error', which without a listener would crash the process. The message is sent again.
    server.on('error', () => undefined);
    const { port } = server.server.address() as AddressInfo;
    receiver = new MailReceiver(server, `smtp://${host}:${port}`);
    return receiver;
  }

  /** The mails received, one per Message-ID, in order of arrival (optionally to one address). */
  messages(to?: string): ReceivedMail[] {
    return [...this.mails.values()].filter((m) => to === undefined || m.to.includes(to.toLowerCase()));
  }

  stats(): { deliveries: number; messages: number; duplicates: number } {
    return {
      deliveries: this.deliveries,
      messages: this.mails.size,
      duplicates: this.deliveries - this.mails.size,
    };
  }

  /** This address is refused for good (550) from now on. */
  refuse(address: string): void {
    this.refused.add(address.toLowerCase());
  }

  /** The next `times` messages are turned away for now (421). */
  unavailable(times: number): void {
    this.unavailableTimes = times;
  }

  clearFaults(): void {
    this.refused.clear();
    this.unavailableTimes = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private store(mail: Omit<ReceivedMail, 'receivedAt' | 'deliveries'>): void {
    this.deliveries++;
    const known = this.mails.get(mail.messageId);
    if (known) {
      known.deliveries++;
      return;
    }
    this.mails.set(mail.messageId, {
      ...mail,
      to: mail.to.map((a) => a.toLowerCase()),
      receivedAt: new Date().toISOString(),
      deliveries: 1,
    });
  }
}
