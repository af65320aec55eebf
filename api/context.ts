/** What the routes share: the dependencies of the API and helpers to authenticate and load dossiers. */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { IndicatorReadModel } from '../aggregators/read-model.js';
import type { AccessLog } from '../audit/access-log.js';
import type { SecurityLog } from '../audit/security-log.js';
import type { DossierClient } from '../client/dossier-client.js';
import type { FeedbackClient } from '../client/feedback-client.js';
import type { DossierSearch } from '../client/search.js';
import type { DossierView } from '../contract/dossier-contract.js';
import type { Actor } from '../domain/actor.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { ActionName } from '../domain/dossier/dossier-actions.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { PaymentEvents } from '../events/payment-events.js';
import type { RoleAssignments } from '../identity/role-assignments.js';
import type { CitizenStore } from '../infra/citizen-store.js';
import type { DigitizedRegistry } from '../infra/digitized-registry.js';
import type { DocumentStore } from '../infra/document-store.js';
import type { PaymentGateway } from '../infra/payment-gateway.js';
import type { DocumentSignature } from '../infra/signing.js';
import type { UnitTargetStore } from '../infra/unit-target-store.js';
import type { DossierEraser } from '../retention/dossier-erasure.js';
import type { AmendmentSource } from '../rules/calendar-loader.js';
import { AuthenticationError, type Official } from './auth.js';
import type { Authenticator } from './authentication.js';
import type { DossierScope } from './authorization.js';
import type { CitizenSessions } from './citizen-sessions.js';
import type { ConsoleSessions } from './console-sessions.js';
import type { LookupLockout } from './lookup-lockout.js';
import type { OidcTokenVerifier } from './oidc-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The official named by the bearer token or the console session (routes under /v1 except /v1/lookup). */
    official?: Official;
    /** When the caller's token or session ends, epoch ms. */
    authExpiresAt?: number;
  }
}

export interface ApiDeps {
  /** Temporal client (dossier search and readiness). */
  temporal: Client;
  /** Typed dossier client (receive, act, get, completeInterAgency). */
  dossiers: DossierClient;
  /** Feedback (PAKN) client; the feedback routes answer 503 without it. */
  feedback?: FeedbackClient;
  /** NATS connection (readiness). */
  nc: NatsConnection;
  /** Where scanned components and signed results are stored. */
  documents: DocumentStore;
  /**
   * The personal-data access log: every route that serves a dossier's personal data to an
   * official records the read here first (api/access-logging.ts `recordPersonalDataRead`).
   */
  accessLog: AccessLog;
  /**
   * Erases a closed dossier's personal data (retention/dossier-erasure.ts), for the administrators'
   * erasure route; the route answers 503 without it.
   */
  erasure?: DossierEraser;
  /** Decision 766 read model; the indicator routes answer 503 without it. */
  indicators?: IndicatorReadModel;
  organisation: OrganisationRegistry;
  /**
   * Server secret (≥ 32 characters): derives lookup secrets and page tokens and signs the codec
   * session cookie; officials' tokens signed with it are accepted only with `devSharedSecretTokens`.
   */
  secret: string;
  /** The province's OpenID Connect provider (TTHC_OIDC_ISSUER, or the embedded one). */
  oidc?: OidcTokenVerifier;
  /** Development only (TTHC_DEV_SHARED_SECRET_TOKENS): also accept HS256 tokens signed with `secret`. */
  devSharedSecretTokens?: boolean;
  /** The role-assignment table, for tokens without a role; the assignment routes answer 503 without it. */
  assignments?: RoleAssignments;
  /** Sign-ins, failed sign-ins and role changes are recorded here when given. */
  securityLog?: SecurityLog;
  /** The console's sign-in (authorization code with PKCE); the /auth routes answer 503 without it. */
  signIn?: SignInSettings;
  /** Rate limits, lockouts and request limits (defaults: the configuration's defaults). */
  limits?: Partial<ApiLimits>;
  /** Other web origins allowed to call the API (CORS, no cookies); none when absent. */
  corsOrigins?: readonly string[];
  /** pino logger (with redaction: infra/logging.ts createLogger); a default one when absent. */
  logger?: Logger;
  /** Timeout of each readiness probe, ms (default 2000). */
  readinessTimeoutMs?: number;
  /** Clock for token expiry (tests); Date.now by default. */
  now?: () => number;
  /** Calendar amendments published at run time (a KV watch), so the API judges as the workflows do. */
  calendarAmendments?: AmendmentSource;
  /** The payload codec (encryption/payload-codec.ts) the codec endpoint decodes with; 503 without it. */
  codec?: PayloadCodec;
  /** Origins allowed to call the codec endpoint (the Temporal Web UI's); none when absent. */
  codecOrigins?: readonly string[];
  /** The units' yearly targets (giao chỉ tiêu); the target routes answer 503 without it. */
  targets?: UnitTargetStore;
  /** The largest upload taken (bytes; default 10 MiB). */
  uploadLimitBytes?: number;
  /** The Temporal Web UI's address, for the console's link to a dossier's history (decoded through /codec). */
  temporalWebUi?: string;
  /** Citizens' online services (issue #18); the /v1/citizen routes answer 503 without them. */
  citizens?: CitizenServices;
}

export interface CitizenServices {
  /** Drafts, the citizens' dossier index and payment orders (NATS KV, sealed). */
  store: CitizenStore;
  /** The keyring's pseudonym secret: a citizen is known by the HMAC of their ID number under it. */
  pseudonymSecret: () => Uint8Array;
  /** Components the citizen already has digitized (ND 45/2020), offered for reuse. */
  digitized?: DigitizedRegistry;
  /** Days an untouched draft is kept before the sweep removes it with its files (TTHC_DRAFT_RETENTION). */
  draftRetentionDays: number;
  /** The most a dossier's uploads may add up to (bytes; TTHC_DOSSIER_UPLOAD_MAX_SIZE). */
  dossierUploadLimitBytes: number;
  /** The payment gateway and the payment events; the payment routes answer 503 without them. */
  payments?: { gateway: PaymentGateway; events: PaymentEvents };
  /** The province's name on receipts (biên lai). */
  merchantName?: string;
  /** Checks the units' signatures on e-results (infra/signing.ts UnitKeyring); the check says "not verified" without it. */
  signatures?: {
    verify(signature: DocumentSignature, sha256Hex: string): Promise<boolean>;
    publicKeyPem(unitCode: string): Promise<string | undefined>;
  };
}

export interface SignInSettings {
  /** The console's client id at the provider (TTHC_OIDC_CLIENT_ID). */
  clientId: string;
  clientSecret?: string;
  /** The CLI's client id (device flow), told to `tthc login` by GET /auth/config. */
  cliClientId: string;
  /** Scopes asked for (TTHC_OIDC_SCOPES). */
  scopes: string;
  /** The API as browsers reach it (TTHC_PUBLIC_URL): the redirect URI is `<publicUrl>/auth/callback`. */
  publicUrl: string;
}

export interface ApiLimits {
  signInPerMinute: number;
  writesPerMinute: number;
  lookupPerMinute: number;
  lookupLockoutAttempts: number;
  lookupLockoutMs: number;
  bodyLimit: number;
  requestTimeoutMs: number;
}

export const defaultApiLimits: ApiLimits = {
  signInPerMinute: 20,
  writesPerMinute: 600,
  lookupPerMinute: 60,
  lookupLockoutAttempts: 5,
  lookupLockoutMs: 15 * 60_000,
  bodyLimit: 1024 * 1024,
  requestTimeoutMs: 30_000,
};

export interface ApiContext extends ApiDeps {
  search: DossierSearch;
  authenticator: Authenticator;
  sessions: ConsoleSessions;
  citizenSessions: CitizenSessions;
  /** The applicant key of a citizen's ID number (HMAC under the pseudonym secret); throws without citizen services. */
  citizenKey(idNumber: string): string;
  apiLimits: ApiLimits;
  lookupLockout: LookupLockout;
  now: () => number;
  /** A jurisdiction's working-day calendar, with the published amendments; throws for an unknown one. */
  jurisdictionCalendar(jurisdiction: string): WorkingCalendar;
  /** The working-day calendar of an agency's dossiers: its jurisdiction's, with the published amendments. */
  agencyCalendar(agency: string): WorkingCalendar;
}

export function requireOfficial(request: FastifyRequest): Official {
  if (!request.official) throw new AuthenticationError('missing');
  return request.official;
}

/** The actor the workflow records: always from the token, never from the request body. */
export function actorOf(official: Official): Actor {
  return { id: official.id, name: official.name, unit: official.unit, role: official.role };
}

/** The applicant as an actor, for an evaluation entered at the counter or with the lookup secret. */
export function applicantActor(code: string, via?: Official): Actor {
  return {
    id: `applicant:${code}`,
    name: via ? `Người nộp hồ sơ (nhập tại quầy bởi ${via.name})` : 'Người nộp hồ sơ',
    unit: 'applicant',
    role: 'applicant',
  };
}

/** The actor the act route sends: the applicant for an evaluation entered at the counter, else the official. */
export function actorForAction(action: ActionName, code: string, official: Official): Actor {
  return action === 'evaluate' ? applicantActor(code, official) : actorOf(official);
}

export function scopeOf(view: Pick<DossierView, 'state'>): DossierScope {
  return {
    code: view.state.code,
    receivingUnit: view.state.application.receivingUnit,
    competentAgency: view.state.application.competentAgency,
    participatingAgencies: view.state.interAgency.map((task) => task.agency),
  };
}
