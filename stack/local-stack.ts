/**
 * `npm start`: the whole system on this machine with embedded defaults. Temporal (SQLite file and
 * Web UI) and nats-server (JetStream on disk) keep their data in .data/, so dossiers in flight
 * continue after a restart. Ctrl-C stops everything.
 *
 * To add a part (the HTTP API, say): start it in `main` after its dependencies, register its stop
 * function with `stack.add`, and add a line to the summary with `summary.push`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { IndicatorService } from '../aggregators/indicator-service.js';
import { openIdentityProvider, startApiServer } from '../api/api-process.js';
import { AccessLog, accessLogStreamName } from '../audit/access-log.js';
import { SecurityLog, securityLogStreamName } from '../audit/security-log.js';
import { type Config, ConfigError, loadConfig } from '../config/configuration.js';
import { allSearchAttributeKeys } from '../contract/search-attributes.js';
import { keyringSource, openPayloadProtection } from '../encryption/data-converter.js';
import { DecodeFailureMonitor } from '../encryption/decode-failures.js';
import { KeyringFile, type KeyringSource } from '../encryption/encryption-keyring.js';
import { EmbeddedProvider } from '../identity/embedded-provider.js';
import { createLogger, PinoTemporalLogger } from '../infra/logging.js';
import { connectNats } from '../infra/nats-connection.js';
import { PaymentGatewayEmulator } from '../infra/payment-gateway-emulator.js';
import { startNatsServer, startTemporalDevServer } from '../infra/server-launchers.js';
import { registerSearchAttributes } from '../infra/temporal.js';
import { UnitTargetStore } from '../infra/unit-target-store.js';
import { startDevMailbox } from '../notifications/dev-mailbox.js';
import { MailReceiver } from '../notifications/mail-receiver.js';
import { notifierSettings, startNotifier } from '../notifications/notifier-setup.js';
import { SmsGatewayEmulator } from '../notifications/sms-gateway-emulator.js';
import { PortalEmulator } from '../portal/portal-emulator.js';
import { portalSyncSettings, startPortalSync } from '../portal/portal-sync-setup.js';
import { startPublicationService } from '../publications/publication-service.js';
import { startRetentionService } from '../retention/retention-service.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { loadOrganisationTargets } from '../rules/target-loader.js';
import { createDossierWorkers, workerTuningFrom } from '../workers/dossier-workers.js';
import { bundleWorkflows } from '../workers/workflow-bundler.js';
import {
  demoAccounts,
  demoCitizens,
  demoOfficials,
  demoPasswords,
  localTokenSecret,
  writeDemoTokens,
} from './demo.js';

/** The running parts, stopped in reverse order of start (workers before connections before servers). */
class Stack {
  private readonly parts: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  private stopping = false;

  add(name: string, stop: () => Promise<unknown>): void {
    this.parts.push({ name, stop });
  }

  async stop(dataDir: string, code = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      progress('stopping …');
      for (const part of [...this.parts].reverse()) {
        await part.stop().catch((error) => progress(`stopping ${part.name} failed:`, String(error)));
      }
      progress('stopped; data kept in', dataDir);
    }
    process.exit(code);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ name: 'tthc', level: config.TTHC_LOG_LEVEL });
  Runtime.install({
    logger: new PinoTemporalLogger(
      logger.child({ component: 'temporal-sdk' }, { level: config.TTHC_SDK_LOG_LEVEL }),
    ),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) } },
    shutdownSignals: [],
  });
  if (config.TTHC_OIDC_ISSUER) {
    // A province's provider instead of the embedded one: a wrong URL stops the start now, exit 2.
    try {
      await openIdentityProvider(config.TTHC_OIDC_ISSUER);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`tthc: ${error.message}\n`);
      process.exit(2);
    }
  }
  try {
    await assertPortsFree([
      [config.TTHC_TEMPORAL_PORT, 'TTHC_TEMPORAL_PORT', 'Temporal'],
      [config.TTHC_TEMPORAL_UI_PORT, 'TTHC_TEMPORAL_UI_PORT', 'the Temporal Web UI'],
      [config.TTHC_NATS_PORT, 'TTHC_NATS_PORT', 'NATS'],
      [config.TTHC_API_PORT, 'TTHC_API_PORT', 'the HTTP API'],
      ...(config.TTHC_OIDC_ISSUER
        ? []
        : [
            [config.TTHC_OIDC_PORT, 'TTHC_OIDC_PORT', 'the embedded identity provider'] as [
              number,
              string,
              string,
            ],
          ]),
      ...(config.TTHC_PORTAL_URL
        ? []
        : [
            [config.TTHC_PORTAL_EMULATOR_PORT, 'TTHC_PORTAL_EMULATOR_PORT', 'the portal emulator'] as [
              number,
              string,
              string,
            ],
          ]),
      ...(config.TTHC_PAYMENT_URL
        ? []
        : [
            [
              config.TTHC_PAYMENT_EMULATOR_PORT,
              'TTHC_PAYMENT_EMULATOR_PORT',
              'the payment gateway emulator',
            ] as [number, string, string],
          ]),
    ]);
    await mkdir(config.TTHC_DATA_DIR, { recursive: true });
    await ensureKeyring(config);
  } catch (error) {
    process.stderr.write(`tthc: ${(error as Error).message}\n`);
    process.exit(1);
  }

  const stack = new Stack();
  process.once('SIGINT', () => void stack.stop(config.TTHC_DATA_DIR));
  process.once('SIGTERM', () => void stack.stop(config.TTHC_DATA_DIR));
  const summary: Array<[label: string, value: string]> = [];
  try {
    progress('starting nats-server (JetStream) …');
    const nats = await startNatsServer({
      port: config.TTHC_NATS_PORT,
      storeDir: join(config.TTHC_DATA_DIR, 'nats'),
    });
    stack.add('nats-server', () => nats.stop());
    progress('starting Temporal dev server (SQLite) …');
    const temporal = await startTemporalDevServer({
      port: config.TTHC_TEMPORAL_PORT,
      uiPort: config.TTHC_TEMPORAL_UI_PORT,
      uiCodecEndpoint: `http://127.0.0.1:${config.TTHC_API_PORT}/codec`,
      namespace: config.TTHC_TEMPORAL_NAMESPACE,
      dbFile: join(config.TTHC_DATA_DIR, 'temporal.sqlite'),
      searchAttributes: allSearchAttributeKeys,
    });
    stack.add('Temporal', () => temporal.stop());
    const connection = await Connection.connect({ address: temporal.address });
    await registerSearchAttributes(connection, temporal.namespace);
    await connection.close();
    summary.push(['Temporal', temporal.address], ['Temporal Web UI', temporal.uiUrl ?? '(disabled)']);
    summary.push(['NATS JetStream', nats.url]);

    progress('bundling workflows and starting workers …');
    const nc = await connectNats({ servers: nats.url, name: 'tthc-local-stack', maxReconnectAttempts: -1 });
    stack.add('NATS connection', () => nc.drain());
    const decodeFailures = new DecodeFailureMonitor((details) =>
      logger.error(details, 'a payload cannot be decrypted; its workflow task fails and is retried'),
    );
    const protection = await openPayloadProtection({
      nc,
      keyring: keyringSource(config),
      dataKeyBucket: config.TTHC_DATA_KEY_BUCKET,
      onDecodeFailure: decodeFailures.onDecodeFailure,
      onKeyringRefreshError: (error) => logger.warn({ error: error.message }, 'keyring refresh failed'),
    });
    stack.add('keyring', async () => protection.close());
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    stack.add('Temporal connection', () => nativeConnection.close());
    const workers = await createDossierWorkers({
      connection: nativeConnection,
      namespace: temporal.namespace,
      nc,
      protection: protection,
      dataDir: config.TTHC_DATA_DIR,
      organisation: config.TTHC_ORGANISATION,
      workflowBundle: await bundleWorkflows({
        logger: new PinoTemporalLogger(logger.child({ component: 'bundler' }).child({}, { level: 'warn' })),
      }),
      logger,
      maxCachedWorkflows: config.TTHC_MAX_CACHED_WORKFLOWS,
      tuning: workerTuningFrom(config),
    });
    const runs = workers.map((worker) => worker.run());
    stack.add('workers', async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(runs);
    });
    summary.push(['Workers', `${workers.length} (the dossier queue and one queue per unit)`]);

    progress('starting the indicator aggregator …');
    const indicators = await IndicatorService.start(
      nc,
      logger.child({ component: 'indicators' }),
      config.TTHC_INDICATOR_META_BUCKET,
      { partitions: config.TTHC_INDICATOR_PARTITIONS, leaseTtlMs: config.TTHC_INDICATOR_LEASE_TTL },
    );
    stack.add('indicator aggregator', () => indicators.stop());
    const publications = await startPublicationService({
      nc,
      organisation: config.TTHC_ORGANISATION,
      registry: loadOrganisation(config.TTHC_ORGANISATION),
      catalogue: loadCatalogue().procedures,
      logger: logger.child({ component: 'publications' }),
    });
    stack.add('publication reminders', () => publications.stop());
    summary.push(['Publications', 'QĐCB records and reminders (npx tthc publications due --within 5)']);
    const seeded = await seedTargets(nc, config.TTHC_ORGANISATION);
    if (seeded > 0) progress(`gave the demo units their yearly targets (${seeded} year(s), data/targets/)`);
    summary.push([
      'Indicators',
      'Decision 766 aggregator (npx tthc indicators --unit <code> --period <YYYY-MM>)',
    ]);

    progress('opening the personal-data access log …');
    const accessLog = await AccessLog.open(nc);

    const apiConnection = await Connection.connect({ address: temporal.address });
    stack.add('API Temporal connection', () => apiConnection.close());
    const temporalClient = new Client({
      connection: apiConnection,
      namespace: temporal.namespace,
      dataConverter: protection.dataConverter,
    });

    progress('starting the retention of personal data …');
    const retention = await startRetentionService({
      nc,
      temporal: temporalClient,
      protection,
      dataDir: config.TTHC_DATA_DIR,
      organisation: loadOrganisation(config.TTHC_ORGANISATION),
      catalogue: loadCatalogue().procedures,
      accessLog,
      logger: logger.child({ component: 'retention' }),
      intervalMs: config.TTHC_RETENTION_SWEEP_INTERVAL,
    });
    stack.add('retention sweep', () => retention.stop());
    summary.push([
      'Retention',
      'closed dossiers’ personal data erased when their procedure’s retention ends (npx tthc erase --dossier <code>, administrators)',
    ]);

    const securityLog = await SecurityLog.open(nc);
    const publicUrl = (config.TTHC_PUBLIC_URL ?? `http://127.0.0.1:${config.TTHC_API_PORT}`).replace(
      /\/+$/,
      '',
    );
    let provider: EmbeddedProvider | undefined;
    let passwords: Record<string, string> = {};
    if (!config.TTHC_OIDC_ISSUER) {
      progress('starting the embedded identity provider (OpenID Connect) …');
      passwords = await demoPasswords(config.TTHC_DATA_DIR);
      provider = await EmbeddedProvider.start({
        accounts: demoAccounts(passwords),
        audience: config.TTHC_OIDC_AUDIENCE,
        consoleClientId: config.TTHC_OIDC_CLIENT_ID,
        cliClientId: config.TTHC_OIDC_CLI_CLIENT_ID,
        redirectUris: [
          `${publicUrl}/auth/callback`,
          `http://localhost:${config.TTHC_API_PORT}/auth/callback`,
        ],
        dataDir: join(config.TTHC_DATA_DIR, 'oidc'),
        port: config.TTHC_OIDC_PORT,
        onLogin: (event) => {
          void securityLog
            .record({
              kind: event.ok ? 'sign-in' : 'sign-in-failed',
              via: 'provider',
              official: /^[\x21-\x7E]{1,128}$/.test(event.accountId) ? { id: event.accountId } : undefined,
              reason: event.ok ? undefined : 'wrong-password',
            })
            .catch((error: Error) => logger.warn({ error: error.message }, 'security log not written'));
        },
      });
      const running = provider;
      stack.add('identity provider', () => running.stop());
    }
    const issuer = config.TTHC_OIDC_ISSUER ?? (provider as EmbeddedProvider).issuer;
    summary.push([
      'Identity',
      provider
        ? `${issuer} (embedded OpenID Connect provider; demo officials below)`
        : `${issuer} (OpenID Connect)`,
    ]);

    // Online payment: the gateway's emulator unless a real gateway is configured (docs/citizen.md).
    let payment: { payUrl: string; tmnCode: string; hashSecret: string } | undefined;
    if (!config.TTHC_PAYMENT_URL) {
      progress('starting the payment gateway emulator …');
      const merchant = {
        tmnCode: 'TTHCDEMO',
        hashSecret: randomBytes(32).toString('hex'),
        ipnUrl: `${publicUrl}/v1/payments/ipn`,
      };
      const emulator = await PaymentGatewayEmulator.start({
        merchants: [merchant],
        port: config.TTHC_PAYMENT_EMULATOR_PORT,
      });
      stack.add('payment gateway emulator', () => emulator.stop());
      payment = { payUrl: emulator.payUrl, tmnCode: merchant.tmnCode, hashSecret: merchant.hashSecret };
      summary.push(['Payment gateway', `${emulator.url} (emulator: no real money; docs/citizen.md)`]);
    }

    progress('starting the portal sync …');
    let portalUrl = config.TTHC_PORTAL_URL;
    if (!portalUrl) {
      const emulator = await PortalEmulator.start({
        port: config.TTHC_PORTAL_EMULATOR_PORT,
        accounts: [
          {
            username: config.TTHC_PORTAL_USERNAME,
            password: config.TTHC_PORTAL_PASSWORD,
            madonvi: config.TTHC_PORTAL_UNIT_CODE,
          },
        ],
      });
      stack.add('portal emulator', () => emulator.stop());
      portalUrl = emulator.url;
    }
    const portalSync = await startPortalSync({
      nc,
      temporal: temporalClient,
      dataKeys: protection.dataKeys,
      settings: portalSyncSettings(config, portalUrl),
      organisation: loadOrganisation(config.TTHC_ORGANISATION),
      catalogue: loadCatalogue().procedures,
      logger: logger.child({ component: 'portal-sync' }),
    });
    stack.add('portal sync', () => portalSync.stop());
    summary.push([
      'Portal sync',
      config.TTHC_PORTAL_URL
        ? `to ${portalUrl} (npx tthc portal status)`
        : `to the portal emulator at ${portalUrl} (what it holds: ${portalUrl}/admin/dossiers; npx tthc portal status)`,
    ]);

    progress('starting the notifier …');
    let smsUrl = config.TTHC_SMS_GATEWAY_URL;
    let smtpUrl = config.TTHC_SMTP_URL;
    const mailboxes: { sms?: SmsGatewayEmulator; mail?: MailReceiver } = {};
    if (!smsUrl) {
      const emulator = await SmsGatewayEmulator.start({
        port: config.TTHC_SMS_EMULATOR_PORT,
        token: config.TTHC_SMS_GATEWAY_TOKEN,
      });
      stack.add('SMS gateway emulator', () => emulator.stop());
      mailboxes.sms = emulator;
      smsUrl = emulator.url;
    }
    if (!smtpUrl) {
      const receiver = await MailReceiver.start({ port: config.TTHC_SMTP_PORT });
      stack.add('SMTP receiver', () => receiver.stop());
      mailboxes.mail = receiver;
      smtpUrl = receiver.url;
    }
    const notifier = await startNotifier({
      nc,
      temporal: temporalClient,
      dataKeys: protection.dataKeys,
      settings: notifierSettings(config, { sms: smsUrl, smtp: smtpUrl }),
      logger: logger.child({ component: 'notifier' }),
    });
    stack.add('notifier', () => notifier.stop());
    let mailboxPage = '';
    if (mailboxes.sms || mailboxes.mail) {
      const mailbox = await startDevMailbox({
        mail: mailboxes.mail,
        sms: mailboxes.sms,
        port: config.TTHC_MAILBOX_PORT,
      });
      stack.add('development mailbox', () => mailbox.stop());
      mailboxPage = `; what applicants were sent: ${mailbox.url}`;
    }
    summary.push(['Notifications', `SMS via ${smsUrl}, e-mail via ${smtpUrl}${mailboxPage}`]);

    progress('starting the HTTP API …');
    const secret = await localTokenSecret(config.TTHC_DATA_DIR, config.TTHC_TOKEN_SECRET);
    const api = await startApiServer({
      oidcIssuer: issuer,
      payment,
      temporal: temporalClient,
      temporalWebUi: config.TTHC_TEMPORAL_UI_URL ?? temporal.uiUrl,
      codecOrigins: config.TTHC_CODEC_ORIGINS ?? [
        `http://127.0.0.1:${config.TTHC_TEMPORAL_UI_PORT}`,
        `http://localhost:${config.TTHC_TEMPORAL_UI_PORT}`,
      ],
      nc,
      protection,
      accessLog,
      logger: logger.child({ component: 'api' }),
      settings: {
        secret,
        port: config.TTHC_API_PORT,
        dataDir: config.TTHC_DATA_DIR,
        organisation: config.TTHC_ORGANISATION,
        indicatorMetaBucket: config.TTHC_INDICATOR_META_BUCKET,
      },
    });
    stack.add('HTTP API', () => api.close());
    summary.push([
      'Access log',
      `every read of personal data, stream ${accessLogStreamName} (npx tthc audit --dossier <code>, administrators)`,
    ]);
    summary.push([
      'Security log',
      `sign-ins, failed sign-ins and role changes, stream ${securityLogStreamName} (GET /v1/security-log, administrators)`,
    ]);
    const demo = provider ? await writeDemoTokens(config.TTHC_DATA_DIR, provider) : undefined;
    summary.push(
      ['HTTP API', api.url],
      ['API docs', `${api.url}/docs`],
      ['Console', `${api.url}/console/ (sign in with the identity provider)`],
      ['Citizens', `${api.url}/console/citizen.html (online public services; demo citizens below)`],
    );
    if (demo)
      summary.push(['Demo tokens', `${demo.file} (access tokens of the provider, one per role, 8 h)`]);

    summary.push(['Data', config.TTHC_DATA_DIR]);
    printSummary(summary, api.url, demo?.file, provider ? passwords : undefined);
  } catch (error) {
    process.stderr.write(`tthc: ${(error as Error).message}\n`);
    await stack.stop(config.TTHC_DATA_DIR, 1);
  }
}

/**
 * The keyring file is created on the first start (mode 0600); one others can read stops the stack
 * with a line naming it. With TTHC_KEYRING set, the variable is the keyring and no file is written.
 */
async function ensureKeyring(config: Config): Promise<void> {
  const source: KeyringSource = keyringSource(config);
  if (source instanceof KeyringFile) {
    const { created } = await source.loadOrCreate();
    if (created) progress('created the encryption keyring', source.path, '(mode 0600; keep a backup of it)');
  } else {
    await source.load();
  }
}

/** The yearly targets of data/targets/ for years that have none yet (a province's own stay). */
async function seedTargets(nc: NatsConnection, organisation: string): Promise<number> {
  const store = new UnitTargetStore(nc);
  const registry = loadOrganisation(organisation);
  let seeded = 0;
  for (const targets of loadOrganisationTargets(organisation)) {
    if (await store.putIfMissing(targets, registry)) seeded++;
  }
  return seeded;
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tthc: ${error.message}\n`);
    process.exit(2);
  }
}

function progress(...parts: string[]): void {
  process.stderr.write(`[tthc] ${parts.join(' ')}\n`);
}

function printSummary(
  lines: ReadonlyArray<[label: string, value: string]>,
  apiUrl: string,
  tokensFile: string | undefined,
  passwords: Record<string, string> | undefined,
): void {
  const token = tokensFile ? `$(node -p "require('${tokensFile}')['counter-officer']")` : '$TTHC_TOKEN';
  const officials = passwords
    ? [
        '',
        'Demo officials (sign in to the console with these; passwords kept in .data/oidc/demo-passwords.json):',
        ...demoOfficials.map(
          (official) =>
            `  ${official.sub.padEnd(24)}${(passwords[official.sub] ?? '').padEnd(16)}${official.role.padEnd(17)}${official.unit}`,
        ),
        'Demo citizens (the online public services at /console/citizen.html):',
        ...demoCitizens.map(
          (citizen) =>
            `  ${citizen.sub.padEnd(24)}${(passwords[citizen.sub] ?? '').padEnd(16)}${citizen.name}`,
        ),
      ]
    : [];
  process.stdout.write(
    [
      '',
      'tthc-flow is running:',
      ...lines.map(([label, value]) => `  ${label.padEnd(16)}${value}`),
      ...officials,
      '',
      'Try:',
      `  curl -s ${apiUrl}/v1/procedures -H "Authorization: Bearer ${token}"`,
      '  npx tthc login      (device sign-in for the tthc commands)',
      '  npx tthc calendar due --procedure 1.001612 --received 2026-04-23T10:00:00+07:00',
      `  npx tthc indicators --unit 000.00.00.H99 --period $(date +%Y-%m) --nats ${lines.find(([l]) => l === 'NATS JetStream')?.[1] ?? ''}`,
      '  docs/api.md walks through a counter session and a supervisor session.',
      'Press Ctrl-C to stop; data is kept for the next start.',
      '',
    ].join('\n'),
  );
}

async function assertPortsFree(ports: Array<[number, string, string]>): Promise<void> {
  for (const [port, variable, what] of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `port ${port} for ${what} is already in use (is tthc-flow already running?); set ${variable} to another port`,
      );
    }
  }
}

await main();
