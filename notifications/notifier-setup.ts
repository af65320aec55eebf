/**
 * The notifier as a process runs it (`npm start`, and the worker process with TTHC_NOTIFIER=true):
 * the SMS gateway and the mail server from the configuration (or npm start's emulators), the service.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/configuration.js';
import type { DetailKeys } from '../events/event-details.js';
import { MailSender } from './mail-sender.js';
import { NotifierService } from './notifier-service.js';
import { SmsGatewayClient } from './sms-gateway.js';

export interface NotifierSettings {
  smsUrl: string;
  smsToken: string;
  smsSender: string;
  smtpUrl: string;
  mailFrom: string;
  maxAttempts: number;
}

/** The settings from the configuration; the URLs override TTHC_SMS_GATEWAY_URL and TTHC_SMTP_URL (npm start). */
export function notifierSettings(
  config: Config,
  urls: { sms?: string; smtp?: string } = {},
): NotifierSettings {
  return {
    smsUrl: urls.sms ?? config.TTHC_SMS_GATEWAY_URL ?? '',
    smsToken: config.TTHC_SMS_GATEWAY_TOKEN,
    smsSender: config.TTHC_SMS_SENDER,
    smtpUrl: urls.smtp ?? config.TTHC_SMTP_URL ?? '',
    mailFrom: config.TTHC_MAIL_FROM,
    maxAttempts: config.TTHC_NOTIFIER_MAX_ATTEMPTS,
  };
}

export interface RunningNotifier {
  service: NotifierService;
  stop(): Promise<void>;
}

export async function startNotifier(setup: {
  nc: NatsConnection;
  temporal: Client;
  dataKeys: DetailKeys;
  settings: NotifierSettings;
  logger: Logger;
  replicas?: number;
  consumerName?: string;
  bucket?: string;
  backoffMs?: number;
}): Promise<RunningNotifier> {
  const mail = new MailSender({ url: setup.settings.smtpUrl, from: setup.settings.mailFrom });
  const service = await NotifierService.start({
    nc: setup.nc,
    temporal: setup.temporal,
    dataKeys: setup.dataKeys,
    sms: new SmsGatewayClient({
      url: setup.settings.smsUrl,
      token: setup.settings.smsToken,
      sender: setup.settings.smsSender,
    }),
    mail,
    logger: setup.logger,
    replicas: setup.replicas,
    consumerName: setup.consumerName,
    bucket: setup.bucket,
    maxAttempts: setup.settings.maxAttempts,
    backoffMs: setup.backoffMs,
  });
  return {
    service,
    stop: async () => {
      await service.stop();
      mail.close();
    },
  };
}
