/**
 * E-mail to applicants over SMTP (nodemailer), through the server TTHC_SMTP_URL names: the embedded
 * receiver in `npm start` and the tests, the province's mail server in a deployment. Each message
 * has a Message-ID derived from its key (`<dossier>:<seq>:<kind>`): sent again after a crash
 * between the server's answer and the notifier's record, it is the same message, which the receiver
 * (and any mail client) shows once.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError } from './delivery-error.js';

export interface MailSenderOptions {
  /** nodemailer's SMTP URL, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.vn:465. */
  url: string;
  /** The sender, e.g. `"Bộ phận Một cửa" <khong-tra-loi@motcua.example.vn>`. */
  from: string;
  timeoutMs?: number;
}

export class MailSender {
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(private readonly options: MailSenderOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      url: options.url,
      pool: true,
      maxConnections: 4,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'tthc-flow.local';
  }

  /** The stable Message-ID of a message key. */
  messageIdFor(key: string): string {
    return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${this.domain}>`;
  }

  async send(mail: {
    to: string;
    subject: string;
    text: string;
    key: string;
  }): Promise<{ messageId: string }> {
    const messageId = this.messageIdFor(mail.key);
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-TTHC-Notification': mail.key },
      });
      return { messageId };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx: the server will never take it (an unknown mailbox, say); anything else is tried again.
      const permanent = code !== undefined && code >= 500 && code < 600;
      throw new DeliveryError(
        `the mail server ${permanent ? 'refused' : 'did not take'} the message: ${(error as Error).message}`,
        permanent,
      );
    }
  }

  close(): void {
    this.transport.close();
  }
}
