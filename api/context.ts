/** What the routes share: the dependencies of the API and helpers to authenticate and load dossiers. */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { IndicatorReadModel } from '../aggregators/read-model.js';
import type { AccessLog } from '../audit/access-log.js';
import type { DossierClient } from '../client/dossier-client.js';
import type { FeedbackClient } from '../client/feedback-client.js';
import type { DossierSearch } from '../client/search.js';
import type { DossierView } from '../contract/dossier-contract.js';
import type { Actor } from '../domain/actor.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { ActionName } from '../domain/dossier/dossier-actions.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { DocumentStore } from '../infra/document-store.js';
import type { UnitTargetStore } from '../infra/unit-target-store.js';
import type { DossierEraser } from '../retention/dossier-erasure.js';
import type { AmendmentSource } from '../rules/calendar-loader.js';
import { AuthenticationError, type Official } from './auth.js';
import type { DossierScope } from './authorization.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The official named by the bearer token (routes under /v1 except /v1/lookup). */
    official?: Official;
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
  /** Server secret (≥ 32 characters): signs tokens, lookup secrets and page tokens. */
  secret: string;
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
}

export interface ApiContext extends ApiDeps {
  search: DossierSearch;
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
