/**
 * Starting the HTTP API in a process that already has its Temporal client and NATS connection
 * (`npm start`, a deployment's API container). Settings come from config/configuration.ts:
 * TTHC_TOKEN_SECRET (required, ≥ 32 characters), TTHC_API_PORT, TTHC_DATA_DIR, TTHC_ORGANISATION,
 * TTHC_INDICATOR_META_BUCKET, and the sign-in settings (TTHC_OIDC_*, TTHC_PUBLIC_URL, the limits).
 * It reads the identity provider's discovery document (a wrong TTHC_OIDC_ISSUER is a ConfigError
 * naming it), and opens the personal-data access log (stream TTHC_ACCESS_LOG), the security log
 * (TTHC_SECURITY_LOG) and the role-assignment table before it listens.
 */
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { IndicatorReadModel } from '../aggregators/read-model.js';
import { AccessLog } from '../audit/access-log.js';
import { SecurityLog } from '../audit/security-log.js';
import { DossierClient } from '../client/dossier-client.js';
import { FeedbackClient } from '../client/feedback-client.js';
import { ConfigError, readSetting } from '../config/configuration.js';
import type { PayloadProtection } from '../encryption/data-converter.js';
import { PaymentEvents } from '../events/payment-events.js';
import { RoleAssignments } from '../identity/role-assignments.js';
import { CalendarAmendmentWatch } from '../infra/calendar-amendment-store.js';
import { CitizenStore } from '../infra/citizen-store.js';
import { DigitizedRegistry } from '../infra/digitized-registry.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { PaymentGateway } from '../infra/payment-gateway.js';
import { UnitKeyring } from '../infra/signing.js';
import { UnitTargetStore } from '../infra/unit-target-store.js';
import { PublicationStore } from '../publications/publication-store.js';
import { DossierEraser } from '../retention/dossier-erasure.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { checkSecret } from './auth.js';
import type { ApiLimits, SignInSettings } from './context.js';
import { DiscoveryError, OidcTokenVerifier } from './oidc-tokens.js';
import { buildApiServer } from './server.js';

export interface ApiSettings {
  secret: string;
  port: number;
  dataDir: string;
  organisation: string;
  indicatorMetaBucket: string;
}

/** The API's settings from the environment; throws (naming the variable) if the secret is missing or short. */
export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  return {
    secret: checkSecret(readSetting('TTHC_TOKEN_SECRET', env)),
    port: readSetting('TTHC_API_PORT', env),
    dataDir: readSetting('TTHC_DATA_DIR', env),
    organisation: readSetting('TTHC_ORGANISATION', env),
    indicatorMetaBucket: readSetting('TTHC_INDICATOR_META_BUCKET', env),
  };
}

export interface StartApiOptions {
  /** Temporal client on the dossier namespace (with the data converter of encryption/data-converter.ts). */
  temporal: Client;
  /** Origins allowed to call the codec endpoint (default: TTHC_CODEC_ORIGINS). */
  codecOrigins?: readonly string[];
  /** The Temporal Web UI's address (default: TTHC_TEMPORAL_UI_URL). */
  temporalWebUi?: string;
  nc: NatsConnection;
  /**
   * The encryption of personal data (encryption/data-converter.ts): the codec the codec endpoint
   * decodes with, the keyring that unwraps the documents' keys, and the data keys an erasure
   * destroys (and that tell an erased dossier from a missing one).
   */
  protection: Pick<PayloadProtection, 'codec' | 'keyring' | 'dataKeys'>;
  logger: Logger;
  /** Defaults: loadApiSettings() (the environment). */
  settings?: Partial<ApiSettings>;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 in a container). */
  host?: string;
  /** The personal-data access log, if the process has opened it; else it is opened here. */
  accessLog?: AccessLog;
  /** The identity provider (default: TTHC_OIDC_ISSUER); npm start passes its embedded provider's. */
  oidcIssuer?: string;
  /** Overrides of the sign-in and hardening settings (tests). */
  oidc?: { jwksCooldownMs?: number };
  limits?: Partial<ApiLimits>;
  /** Development only (default: TTHC_DEV_SHARED_SECRET_TOKENS). */
  devSharedSecretTokens?: boolean;
  /** Clock (tests). */
  now?: () => number;
  /**
   * The payment gateway (default: TTHC_PAYMENT_URL, TTHC_PAYMENT_TMN_CODE, TTHC_PAYMENT_HASH_SECRET;
   * none: no online payment); npm start passes its emulator's.
   */
  payment?: { payUrl: string; tmnCode: string; hashSecret: string };
}

/** The verifier of the provider's tokens; a provider that cannot be discovered is a ConfigError naming TTHC_OIDC_ISSUER. */
export async function openIdentityProvider(
  issuer: string,
  extra: { jwksCooldownMs?: number } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<OidcTokenVerifier> {
  try {
    return await OidcTokenVerifier.discover({
      issuer,
      audience: readSetting('TTHC_OIDC_AUDIENCE', env),
      claims: {
        id: readSetting('TTHC_OIDC_CLAIM_ID', env),
        name: readSetting('TTHC_OIDC_CLAIM_NAME', env),
        unit: readSetting('TTHC_OIDC_CLAIM_UNIT', env),
        role: readSetting('TTHC_OIDC_CLAIM_ROLE', env),
        roleValues: readSetting('TTHC_OIDC_ROLE_VALUES', env),
      },
      clockSkewSeconds: Math.round(readSetting('TTHC_OIDC_CLOCK_SKEW', env) / 1000),
      maxLifetimeSeconds: Math.round(readSetting('TTHC_OIDC_MAX_TOKEN_LIFETIME', env) / 1000),
      ...extra,
    });
  } catch (error) {
    if (error instanceof DiscoveryError) {
      throw new ConfigError(`invalid configuration: TTHC_OIDC_ISSUER ${error.message}`, ['TTHC_OIDC_ISSUER']);
    }
    throw error;
  }
}

/** The limits from the environment (TTHC_RATE_LIMIT_*, TTHC_LOOKUP_LOCKOUT_*, TTHC_API_BODY_LIMIT, …). */
export function apiLimitsFrom(env: NodeJS.ProcessEnv = process.env): ApiLimits {
  return {
    signInPerMinute: readSetting('TTHC_RATE_LIMIT_SIGNIN', env),
    writesPerMinute: readSetting('TTHC_RATE_LIMIT_WRITES', env),
    lookupPerMinute: readSetting('TTHC_RATE_LIMIT_LOOKUP', env),
    lookupLockoutAttempts: readSetting('TTHC_LOOKUP_LOCKOUT_ATTEMPTS', env),
    lookupLockoutMs: readSetting('TTHC_LOOKUP_LOCKOUT_DURATION', env),
    bodyLimit: readSetting('TTHC_API_BODY_LIMIT', env),
    requestTimeoutMs: readSetting('TTHC_API_REQUEST_TIMEOUT', env),
  };
}

export interface RunningApi {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/** Builds the API over the running system and listens; port 0 picks a free port. */
export async function startApiServer(options: StartApiOptions): Promise<RunningApi> {
  const settings = { ...loadApiSettingsLenient(options.settings), ...options.settings } as ApiSettings;
  const organisation = loadOrganisation(settings.organisation);
  // The access log's stream is created (or checked) before the API serves anything.
  const accessLog = options.accessLog ?? (await AccessLog.open(options.nc));
  const calendarAmendments = await CalendarAmendmentWatch.start(options.nc, options.logger);
  const { protection } = options;
  const issuer = options.oidcIssuer ?? readSetting('TTHC_OIDC_ISSUER');
  const devSharedSecretTokens = options.devSharedSecretTokens ?? readSetting('TTHC_DEV_SHARED_SECRET_TOKENS');
  if (!issuer && !devSharedSecretTokens) {
    calendarAmendments.stop();
    throw new ConfigError(
      'invalid configuration: TTHC_OIDC_ISSUER must name the OpenID Connect provider officials sign in with (docs/identity.md)',
      ['TTHC_OIDC_ISSUER'],
    );
  }
  const oidc = issuer
    ? await openIdentityProvider(issuer, options.oidc).catch((error: unknown) => {
        calendarAmendments.stop();
        throw error;
      })
    : undefined;
  const publicUrl = readSetting('TTHC_PUBLIC_URL')?.replace(/\/+$/, '');
  const signIn: SignInSettings = {
    clientId: readSetting('TTHC_OIDC_CLIENT_ID'),
    clientSecret: readSetting('TTHC_OIDC_CLIENT_SECRET'),
    cliClientId: readSetting('TTHC_OIDC_CLI_CLIENT_ID'),
    scopes: readSetting('TTHC_OIDC_SCOPES'),
    // Known once the API listens (port 0 picks one) unless TTHC_PUBLIC_URL says.
    publicUrl: publicUrl ?? `http://127.0.0.1:${settings.port}`,
  };
  const documents = new FileDocumentStore(join(settings.dataDir, 'documents'), protection.keyring);
  const replicas = readSetting('TTHC_STREAM_REPLICAS');
  const citizenStore = await CitizenStore.open(options.nc, protection.dataKeys, { replicas });
  const digitized = await DigitizedRegistry.open(options.nc);
  const paymentSettings = options.payment ?? paymentSettingsFromEnvironment();
  const gateway = paymentSettings
    ? new PaymentGateway({
        ...paymentSettings,
        returnUrl: `${signIn.publicUrl}/v1/payments/return`,
      })
    : undefined;
  const keyring = new UnitKeyring(join(settings.dataDir, 'keys'));
  const draftRetentionDays = readSetting('TTHC_DRAFT_RETENTION');
  const app = await buildApiServer({
    temporal: options.temporal,
    dossiers: new DossierClient(
      options.temporal,
      await DossierCodeAllocator.open(options.nc),
      undefined,
      undefined,
      protection.dataKeys,
    ),
    feedback: await FeedbackClient.open(options.temporal, options.nc),
    nc: options.nc,
    documents,
    accessLog,
    erasure: new DossierEraser({
      temporal: options.temporal,
      dataKeys: protection.dataKeys,
      documents,
      digitized,
      accessLog,
      pseudonymSecret: () => protection.keyring.pseudonymSecret,
      logger: options.logger.child({ component: 'erasure' }),
    }),
    indicators: new IndicatorReadModel(
      options.nc,
      organisation,
      loadCatalogue().procedures,
      undefined,
      settings.indicatorMetaBucket,
      { publications: new PublicationStore(options.nc, settings.organisation) },
    ),
    organisation,
    secret: settings.secret,
    oidc,
    devSharedSecretTokens,
    assignments: await RoleAssignments.open(options.nc, { replicas: readSetting('TTHC_STREAM_REPLICAS') }),
    securityLog: await SecurityLog.open(options.nc),
    signIn,
    limits: { ...apiLimitsFrom(), ...options.limits },
    corsOrigins: readSetting('TTHC_CORS_ORIGINS') ?? [],
    now: options.now,
    logger: options.logger,
    calendarAmendments,
    codec: protection.codec,
    codecOrigins: options.codecOrigins ?? readSetting('TTHC_CODEC_ORIGINS') ?? [],
    temporalWebUi: options.temporalWebUi ?? readSetting('TTHC_TEMPORAL_UI_URL'),
    uploadLimitBytes: readSetting('TTHC_UPLOAD_MAX_SIZE'),
    targets: new UnitTargetStore(options.nc),
    citizens: {
      store: citizenStore,
      pseudonymSecret: () => protection.keyring.pseudonymSecret,
      digitized,
      draftRetentionDays,
      dossierUploadLimitBytes: readSetting('TTHC_DOSSIER_UPLOAD_MAX_SIZE'),
      payments: gateway ? { gateway, events: await PaymentEvents.open(options.nc, { replicas }) } : undefined,
      merchantName: organisation.units.find((unit) => !unit.parent)?.name,
      signatures: {
        verify: (signature, sha256) => keyring.verify(signature, sha256),
        publicKeyPem: (unit) => keyring.publicKeyPem(unit),
      },
    },
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: settings.port });
  } catch (error) {
    await app.close();
    calendarAmendments.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${settings.port} for the HTTP API is already in use; set TTHC_API_PORT to another port`,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  if (!publicUrl) signIn.publicUrl = `http://${host}:${port}`;
  if (gateway) gateway.settings.returnUrl = `${signIn.publicUrl}/v1/payments/return`;
  // Abandoned drafts: removed with their files once untouched for TTHC_DRAFT_RETENTION days.
  const sweepDrafts = () => {
    void citizenStore
      .sweepDrafts(Date.now(), draftRetentionDays, documents)
      .then((swept) => {
        if (swept.length > 0) options.logger.info({ drafts: swept.length }, 'abandoned drafts removed');
      })
      .catch((error: Error) => options.logger.warn({ error: error.message }, 'draft sweep failed'));
  };
  sweepDrafts();
  const sweeper = setInterval(sweepDrafts, 3_600_000);
  sweeper.unref();
  return {
    app,
    url: `http://${host}:${port}`,
    close: async () => {
      clearInterval(sweeper);
      await app.close();
      calendarAmendments.stop();
    },
  };
}

/** The payment gateway of the environment; undefined unless all three settings are there. */
function paymentSettingsFromEnvironment(): StartApiOptions['payment'] {
  const payUrl = readSetting('TTHC_PAYMENT_URL');
  const tmnCode = readSetting('TTHC_PAYMENT_TMN_CODE');
  const hashSecret = readSetting('TTHC_PAYMENT_HASH_SECRET');
  if (!payUrl && !tmnCode && !hashSecret) return undefined;
  if (!payUrl || !tmnCode || !hashSecret) {
    throw new ConfigError(
      'invalid configuration: online payment needs TTHC_PAYMENT_URL, TTHC_PAYMENT_TMN_CODE and TTHC_PAYMENT_HASH_SECRET together',
      ['TTHC_PAYMENT_URL', 'TTHC_PAYMENT_TMN_CODE', 'TTHC_PAYMENT_HASH_SECRET'],
    );
  }
  return { payUrl, tmnCode, hashSecret };
}

/** Settings not given explicitly are read from the environment (the secret is checked either way). */
function loadApiSettingsLenient(given: Partial<ApiSettings> = {}): Partial<ApiSettings> {
  const env = { ...process.env };
  if (given.secret) env.TTHC_TOKEN_SECRET = given.secret;
  return loadApiSettings(env);
}
