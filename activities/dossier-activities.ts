/**
 * Activities of the dossier workflow: every piece of I/O (rules, documents, signatures, events,
 * notifications). Shared ones run on the dossier queue; unit ones on the unit's own queue.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Applicant } from '../domain/application.js';
import type { CalendarData } from '../domain/calendar.js';
import type { Procedure } from '../domain/catalogue.js';
import type { NotificationContact } from '../domain/dossier/applicant-notices.js';
import type { ResultDocument, StoredComponent } from '../domain/dossier/dossier-state.js';
import { toCivilDate } from '../domain/time.js';
import { type DossierEvent, dossierEventSchema } from '../events/dossier-event-schema.js';
import { type DetailKeys, sealDetails } from '../events/event-details.js';
import { notificationKey, sealNotification } from '../events/notification-message.js';
import {
  ensureStream,
  eventStreamConfig,
  eventStreamName,
  notificationStreamConfig,
  notificationStreamName,
} from '../events/stream.js';
import { dossierEventSubject, notificationSubject } from '../events/subjects.js';
import {
  applicantKeyFor,
  type DigitizedRecord,
  type DigitizedRegistry,
  legacyApplicantKeyFor,
} from '../infra/digitized-registry.js';
import type { DocumentStore } from '../infra/document-store.js';
import { countPublishFailures, recordPublishedEvent } from '../infra/metrics.js';
import type { UnitKeyring } from '../infra/signing.js';
import { type AmendmentSource, agencyJurisdiction, amendedChainLoader } from '../rules/calendar-loader.js';
import { getProcedure } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { validEventOrFail } from './event-validation.js';
import { createFeedbackActivities } from './feedback-activities.js';

export interface ActivityDependencies {
  nc: NatsConnection;
  store: DocumentStore;
  keyring: UnitKeyring;
  digitized: DigitizedRegistry;
  /** The data keys of dossiers and feedback: events' details are sealed with them. */
  dataKeys: DetailKeys;
  /** The keyring's pseudonym secret: applicants are known to the digitized registry by an HMAC under it. */
  pseudonymSecret: () => Uint8Array;
  logger: Logger;
  /** Name of the organisation registry under data/organisations. */
  organisation: string;
  /** Calendar amendments published at run time (a KV watch); without it, the calendar files alone. */
  amendments?: AmendmentSource;
  /** The procedure catalogue file (default data/procedures/catalogue.json). */
  catalogue?: URL;
}

export interface RulesRequest {
  procedureCode: string;
  receivedAt: string;
  receivingUnit: string;
  competentAgency: string;
}

export interface Rules {
  procedure: Procedure;
  /** The calendar chain, most general first (national, then province…). */
  calendars: CalendarData[];
  /** Names of the receiving unit and the competent agency, for forms. */
  unitNames: Record<string, string>;
}

/** A unit a dossier is corrected to: its name for forms, and the calendar chain of its jurisdiction. */
export interface UnitRules {
  code: string;
  name: string;
  jurisdiction: string;
  calendars: CalendarData[];
}

export interface DocumentToDigitize {
  kind: string;
  name: string;
  form: 'paper' | 'electronic';
  fileRef?: string;
}

export interface ReusableComponent {
  kind: string;
  ref: string;
  sha256: string;
}

export interface ResultRequest {
  dossierCode: string;
  agency: string;
  kind: 'approval' | 'refusal';
  procedure: { code: string; name: string };
  text: string;
  paperResult: boolean;
  at: string;
}

export interface Notification {
  dossierCode: string;
  seq: number;
  kind: string;
  /** An e-mail's subject (absent in dossiers begun before it was sent). */
  subject?: string;
  text: string;
  /** Where the applicant asked to be told; none for a notice to the agency or an applicant who asked for none. */
  contact?: NotificationContact;
}

/** Creates the activities; makes sure the event streams exist first. */
export async function createDossierActivities(deps: ActivityDependencies) {
  const jsm = await jetstreamManager(deps.nc);
  await ensureStream(jsm, eventStreamConfig());
  await ensureStream(jsm, notificationStreamConfig());
  const js = jetstream(deps.nc);
  const organisation = loadOrganisation(deps.organisation);
  const calendarChain = amendedChainLoader(deps.amendments);

  return {
    async loadRules(request: RulesRequest): Promise<Rules> {
      for (const unit of [request.receivingUnit, request.competentAgency]) {
        if (!organisation.has(unit)) {
          throw ApplicationFailure.nonRetryable(`Unknown unit code "${unit}"`, 'UNKNOWN_UNIT');
        }
      }
      const receivedOn = toCivilDate(Date.parse(request.receivedAt));
      let procedure: Procedure;
      try {
        // The version in force on the day the dossier is received: it keeps it to the end.
        procedure = getProcedure(request.procedureCode, receivedOn, deps.catalogue);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'UNKNOWN_PROCEDURE');
      }
      const unitNames = Object.fromEntries(
        [request.receivingUnit, request.competentAgency].map((code) => [code, organisation.get(code).name]),
      );
      return {
        procedure,
        calendars: calendarChain(agencyJurisdiction(organisation, request.competentAgency)),
        unitNames,
      };
    },

    /** A unit of the registry, for a dossier corrected to it (correct-data); unknown units are refused. */
    async describeUnit(request: { code: string }): Promise<UnitRules> {
      if (!organisation.has(request.code)) {
        throw ApplicationFailure.nonRetryable(
          `Không có đơn vị "${request.code}" trong danh mục`,
          'UNKNOWN_UNIT',
        );
      }
      const jurisdiction = agencyJurisdiction(organisation, request.code);
      return {
        code: request.code,
        name: organisation.get(request.code).name,
        jurisdiction,
        calendars: calendarChain(jurisdiction),
      };
    },

    async publishEvents(events: DossierEvent[]): Promise<number[]> {
      const sequences: number[] = [];
      for (const candidate of events) {
        const event = validEventOrFail(dossierEventSchema, candidate);
        const published = await sealDetails(event, event.dossierCode, deps.dataKeys);
        const ack = await countPublishFailures(
          'events',
          js.publish(dossierEventSubject(event), JSON.stringify(published), {
            msgID: event.id,
            expect: { streamName: eventStreamName },
          }),
        );
        if (!ack.duplicate) recordPublishedEvent(event);
        sequences.push(ack.seq);
      }
      return sequences;
    },

    /**
     * The outbox the notifier delivers from: the text and the applicant's contact sealed with the
     * dossier's data key (events/notification-message.ts), nothing personal in plaintext.
     */
    async notifyApplicant(notification: Notification): Promise<void> {
      const message = await sealNotification(
        notification,
        { subject: notification.subject, text: notification.text, contact: notification.contact },
        deps.dataKeys,
      );
      await countPublishFailures(
        'notifications',
        js.publish(notificationSubject(notification.dossierCode), JSON.stringify(message), {
          msgID: `notify:${notificationKey(notification)}`,
          expect: { streamName: notificationStreamName },
        }),
      );
    },

    /** Each reused component is claimed for the dossier; one whose document was erased is not reused. */
    async findReusableComponents(request: {
      /** Absent when a workflow from before documents had owners scheduled it: nothing is claimed then. */
      dossierCode?: string;
      applicant: Applicant;
      kinds: string[];
      onDate: string;
    }): Promise<ReusableComponent[]> {
      const applicantKey = applicantKeyFor(request.applicant, deps.pseudonymSecret());
      const legacyKey = legacyApplicantKeyFor(request.applicant);
      const found: ReusableComponent[] = [];
      for (const kind of request.kinds) {
        const record = await deps.digitized.findReusable(applicantKey, kind, request.onDate, { legacyKey });
        if (!record) continue;
        if (request.dossierCode && !(await deps.store.claim(record.ref, request.dossierCode))) continue;
        found.push({ kind, ref: record.ref, sha256: record.sha256 });
      }
      return found;
    },

    /** Hashes, signs (as the receiving unit) and registers each scanned component (ND 61 Art 17(1)). */
    async digitizeComponents(request: {
      dossierCode: string;
      unit: string;
      applicant: Applicant;
      documents: DocumentToDigitize[];
      at: string;
    }): Promise<StoredComponent[]> {
      const signer = await deps.keyring.signerFor(request.unit);
      const applicantKey = applicantKeyFor(request.applicant, deps.pseudonymSecret());
      const components: StoredComponent[] = [];
      const records: DigitizedRecord[] = [];
      for (const document of request.documents) {
        const base = {
          kind: document.kind,
          name: document.name,
          form: document.form,
          reused: false,
          fromDataStore: false,
        };
        // Claimed before it is described: from then on no erasure of another dossier destroys it.
        const claimed = document.fileRef && (await deps.store.claim(document.fileRef, request.dossierCode));
        // The scan's hash from its authenticated metadata: signing needs no read of the scan itself.
        const stored = claimed ? await deps.store.describe(document.fileRef as string) : null;
        if (!stored) {
          components.push({ ...base, digitized: false });
          continue;
        }
        const signature = await signer.sign(stored.sha256, request.at);
        records.push({
          applicantKey,
          kind: document.kind,
          ref: stored.ref,
          sha256: stored.sha256,
          dossierCode: request.dossierCode,
          digitizedAt: request.at,
        });
        components.push({
          ...base,
          digitized: true,
          ref: stored.ref,
          sha256: stored.sha256,
          signedBy: signature.unitCode,
        });
      }
      await deps.digitized.recordAll(records);
      return components;
    },

    /** The electronically signed result (approval) or refusal document of the competent agency. */
    async issueResult(request: ResultRequest): Promise<ResultDocument> {
      const content = new TextEncoder().encode(
        JSON.stringify({
          dossierCode: request.dossierCode,
          procedure: request.procedure,
          kind: request.kind,
          text: request.text,
          issuedBy: request.agency,
          issuedAt: request.at,
        }),
      );
      const name = `${request.dossierCode}-${request.kind === 'approval' ? 'ket-qua' : 'tu-choi'}.json`;
      const stored = await deps.store.put(content, { mediaType: 'application/json', name });
      if (!(await deps.store.claim(stored.ref, request.dossierCode))) {
        throw new Error(
          `result ${stored.ref} of ${request.dossierCode} was erased while being stored; retrying`,
        );
      }
      const signature = await (await deps.keyring.signerFor(request.agency)).sign(stored.sha256, request.at);
      deps.logger.info(
        { dossierCode: request.dossierCode, kind: request.kind, ref: stored.ref },
        'result issued',
      );
      return {
        kind: request.kind,
        ref: stored.ref,
        sha256: stored.sha256,
        signedBy: signature.unitCode,
        signedAt: signature.signedAt,
        link: `/v1/documents/${stored.ref}?dossier=${encodeURIComponent(request.dossierCode)}`,
        paperResult: request.paperResult,
        signature: signature.signature,
        publicKeyFingerprint: signature.publicKeyFingerprint,
      };
    },

    // Feedback (PAKN) workflow: loadFeedbackRules, publishFeedbackEvents.
    ...createFeedbackActivities(deps),
  };
}

export type DossierActivities = Awaited<ReturnType<typeof createDossierActivities>>;
