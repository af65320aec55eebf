/**
 * The citizens' online services for a test: the dossier system (real Temporal and NATS, workers),
 * the embedded identity provider with two citizens of the run's own, the payment gateway emulator
 * (its merchant's IPN address is the API's), and the API listening on a real port with the
 * console's sign-in. `stop()` stops everything it started.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { PaymentEvents } from '../../events/payment-events.js';
import { CitizenStore } from '../../infra/citizen-store.js';
import { DigitizedRegistry } from '../../infra/digitized-registry.js';
import { createLogger } from '../../infra/logging.js';
import { PaymentGateway } from '../../infra/payment-gateway.js';
import { PaymentGatewayEmulator } from '../../infra/payment-gateway-emulator.js';
import { UnitKeyring } from '../../infra/signing.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from './dossier-env.js';
import { startTestIdentity, type TestIdentity } from './identity.js';

export interface TestCitizen {
  /** The account's id (the sign-in name) and password at the provider. */
  id: string;
  password: string;
  name: string;
  idNumber: string;
}

export interface CitizenStack {
  system: DossierTestSystem;
  identity: TestIdentity;
  app: FastifyInstance;
  apiUrl: string;
  store: CitizenStore;
  payments: PaymentEvents;
  gateway: PaymentGatewayEmulator;
  /** The merchant as registered at the gateway (its hash secret signs notifications a test forges). */
  merchant: { tmnCode: string; hashSecret: string; ipnUrl: string };
  citizens: { an: TestCitizen; binh: TestCitizen };
  citizenToken(who: 'an' | 'binh'): Promise<string>;
  /** Every line the API logged, as written. */
  logLines: string[];
  stop(): Promise<void>;
}

export async function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A 12-digit ID number of the run's own, so reruns on the shared NATS start with no dossiers. */
function idNumber(): string {
  return `0${String(Date.now()).slice(-8)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
}

export async function startCitizenStack(options: {
  uploadLimitBytes: number;
  dossierUploadLimitBytes: number;
  draftRetentionDays: number;
  /**
   * A nats-server of the stack's own (its streams and buckets hold this stack's dossiers only) and a
   * time-skipping Temporal server of its own; both together, since workers of other test files on
   * the shared Temporal would take this stack's workflow tasks without its data keys. Default: the
   * run's shared servers.
   */
  privateServers?: boolean;
  /** Serves the indicator routes (GET /v1/indicators…) from the stack's NATS; default: not configured. */
  indicators?: boolean;
}): Promise<CitizenStack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const system = await startDossierSystem(
      options.privateServers ? { timeSkipping: true, privateNats: true } : { timeSkipping: false },
    );
    stops.push(() => system.teardown());
    // The API's address is known before it listens: the provider and the gateway name it.
    const port = await freeLocalPort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const identity = await startTestIdentity({ redirectUris: [`${apiUrl}/auth/callback`] });
    stops.push(() => identity.stop());
    const citizen = (who: string, name: string): TestCitizen => ({
      id: `citizen-${who}-${process.pid}-${randomBytes(3).toString('hex')}`,
      password: `mat-khau-${randomBytes(6).toString('hex')}`,
      name,
      idNumber: idNumber(),
    });
    const citizens = { an: citizen('an', 'Nguyễn Văn An'), binh: citizen('binh', 'Trần Thị Bình') };
    for (const c of Object.values(citizens))
      identity.account({ id: c.id, password: c.password, name: c.name, citizenId: c.idNumber });
    const store = await CitizenStore.open(system.nc, system.protection.dataKeys, {
      prefix: `t${randomBytes(4).toString('hex')}`,
    });
    const payments = await PaymentEvents.open(system.nc);
    const merchant = {
      tmnCode: 'TTHCTEST',
      hashSecret: randomBytes(24).toString('hex'),
      ipnUrl: `${apiUrl}/v1/payments/ipn`,
    };
    const gateway = await PaymentGatewayEmulator.start({ merchants: [merchant], ipnBackoffMs: 50 });
    stops.push(() => gateway.stop());
    const keyring = new UnitKeyring(join(system.dataDir, 'keys'));
    const organisation = loadOrganisation('demo');
    const logLines: string[] = [];
    const app = await buildApiServer({
      logger: createLogger({
        name: 'tthc-api',
        level: 'info',
        destination: { write: (line) => logLines.push(line) },
      }),
      temporal: system.temporal,
      dossiers: system.client,
      nc: system.nc,
      documents: system.documents,
      accessLog: await AccessLog.open(system.nc),
      organisation,
      ...(options.indicators
        ? { indicators: new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures) }
        : {}),
      secret: randomBytes(32).toString('hex'),
      oidc: identity.verifier,
      signIn: {
        clientId: 'tthc-console',
        cliClientId: 'tthc-cli',
        scopes: 'openid profile',
        publicUrl: apiUrl,
      },
      uploadLimitBytes: options.uploadLimitBytes,
      citizens: {
        store,
        pseudonymSecret: () => system.protection.keyring.pseudonymSecret,
        digitized: await DigitizedRegistry.open(system.nc),
        draftRetentionDays: options.draftRetentionDays,
        dossierUploadLimitBytes: options.dossierUploadLimitBytes,
        payments: {
          gateway: new PaymentGateway({
            payUrl: gateway.payUrl,
            tmnCode: merchant.tmnCode,
            hashSecret: merchant.hashSecret,
            returnUrl: `${apiUrl}/v1/payments/return`,
          }),
          events: payments,
        },
        merchantName: 'UBND tỉnh Quảng Ngãi (demo)',
        signatures: {
          verify: (signature, sha256) => keyring.verify(signature, sha256),
          publicKeyPem: (unit) => keyring.publicKeyPem(unit),
        },
      },
    });
    stops.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port });
    return {
      system,
      identity,
      app,
      apiUrl,
      store,
      payments,
      gateway,
      merchant,
      citizens,
      citizenToken: (who) => identity.provider.issueAccessToken(citizens[who].id),
      logLines,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
