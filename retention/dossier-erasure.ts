/**
 * Erasing a closed dossier's personal data (Law 91/2025/QH15): one function for the retention
 * sweep and for an administrator acting on a data subject's request. In this order:
 *
 *  1. refused while the dossier's workflow runs (an open dossier still needs its data); a workflow
 *     Temporal no longer has (its namespace retention passed) counts as closed;
 *  2. the digitized-registry records this dossier made are removed: found by the dossier's index
 *     and, while its view can still be decoded, by the applicant read from it;
 *  3. the documents no other dossier claims are destroyed (infra/document-store.ts);
 *  4. the dossier's data key is destroyed (crypto-shredding): every Temporal payload of the dossier
 *     and its liên thông children becomes undecipherable, so its view is gone;
 *  5. the erasure is recorded in the access log (route `erasure`), which the citizen's lookup shows.
 *
 * The key goes last so that an erasure stopped half-way is finished by running it again (the view
 * still reads). Erasing an erased dossier changes nothing and says when it was erased. The events
 * and the indicator counters hold no personal data and stay.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AccessEntry, AccessOfficial } from '../audit/access-entry.js';
import type { AccessLog } from '../audit/access-log.js';
import { dossierQuery } from '../contract/dossier-contract.js';
import type { ErasureReason } from '../domain/personal-data-access.js';
import type { DataKeyStore } from '../encryption/data-keys.js';
import {
  type ApplicantIdentity,
  applicantKeyFor,
  type DigitizedRegistry,
  legacyApplicantKeyFor,
} from '../infra/digitized-registry.js';
import type { DocumentStore } from '../infra/document-store.js';

/** The dossier's workflow still runs: its personal data is still needed. */
export class DossierStillOpenError extends Error {
  override name = 'DossierStillOpenError';
  constructor(readonly dossierCode: string) {
    super(
      `Hồ sơ ${dossierCode} đang được giải quyết; chỉ xóa được dữ liệu cá nhân sau khi hồ sơ kết thúc (the dossier is still open: its personal data can be erased only after it has ended)`,
    );
  }
}

/** Neither Temporal nor the data-key store has heard of the dossier. */
export class UnknownDossierError extends Error {
  override name = 'UnknownDossierError';
  constructor(readonly dossierCode: string) {
    super(`Không tìm thấy hồ sơ ${dossierCode} (no such dossier)`);
  }
}

export interface ErasureRequest {
  /** Who erases: the administrator, or the retention sweep's system official. */
  by: AccessOfficial;
  reason: ErasureReason;
  /** The request's reference (e.g. its document number): an identifier, recorded with the reason. */
  reference?: string;
  /** The retention index knows the dossier ended: erase what there is even if Temporal and the key store do not know it. */
  knownToHaveEnded?: boolean;
}

export interface ErasureOutcome {
  dossierCode: string;
  reason: ErasureReason;
  /** It had been erased before: nothing more was erased now. */
  alreadyErased: boolean;
  /** When it was erased (the access log's entry). */
  erasedAt: string;
  documents: { destroyed: string[]; released: string[] };
  dataKeyDestroyed: boolean;
  digitizedRecordsRemoved: number;
  /**
   * `dossier-index-only`: Temporal no longer had the dossier's view, so its registry records were
   * found by the dossier's own index only (records made before that index existed stay).
   */
  digitizedRegistry: 'cleaned' | 'dossier-index-only' | 'already-erased';
}

export interface DossierEraserDeps {
  /** A client with the data converter (encryption/data-converter.ts), on the dossiers' namespace. */
  temporal: Client;
  dataKeys: Pick<DataKeyStore, 'keyState' | 'destroy'>;
  documents: Pick<DocumentStore, 'eraseDossier'>;
  digitized: Pick<DigitizedRegistry, 'removeDossier'>;
  accessLog: Pick<AccessLog, 'record' | 'listForDossier'>;
  /** The keyring's pseudonym secret (applicants are known to the registry by an HMAC under it). */
  pseudonymSecret: () => Uint8Array;
  logger: Logger;
}

export class DossierEraser {
  constructor(private readonly deps: DossierEraserDeps) {}

  async erase(dossierCode: string, request: ErasureRequest): Promise<ErasureOutcome> {
    const workflow = await this.workflowState(dossierCode);
    if (workflow === 'running') throw new DossierStillOpenError(dossierCode);
    const keyState = await this.deps.dataKeys.keyState(dossierCode);
    if (keyState === 'erased') return this.alreadyErased(dossierCode, request);
    if (workflow === 'absent' && keyState === 'absent' && !request.knownToHaveEnded) {
      throw new UnknownDossierError(dossierCode);
    }
    const registry = await this.removeRegistryRecords(dossierCode, workflow === 'closed');
    const documents = await this.deps.documents.eraseDossier(dossierCode);
    const dataKeyDestroyed = await this.deps.dataKeys.destroy(dossierCode);
    const entry = await this.recordErasure(dossierCode, request);
    const outcome: ErasureOutcome = {
      dossierCode,
      reason: request.reason,
      alreadyErased: false,
      erasedAt: entry.at,
      documents,
      dataKeyDestroyed,
      digitizedRecordsRemoved: registry.removed,
      digitizedRegistry: registry.viewRead ? 'cleaned' : 'dossier-index-only',
    };
    this.log(outcome, request);
    return outcome;
  }

  /** Running, closed, or no longer (or never) known to Temporal. */
  private async workflowState(dossierCode: string): Promise<'running' | 'closed' | 'absent'> {
    try {
      const description = await this.deps.temporal.workflow.getHandle(dossierCode).describe();
      return description.status.name === 'RUNNING' ? 'running' : 'closed';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'absent';
      throw error;
    }
  }

  /**
   * The dossier's records in the digitized registry: found by the dossier's index and, while the
   * view can still be decoded, by the applicant read from it (records made before that index).
   */
  private async removeRegistryRecords(
    dossierCode: string,
    workflowKnown: boolean,
  ): Promise<{ removed: number; viewRead: boolean }> {
    const applicant = workflowKnown ? await this.applicantOf(dossierCode) : undefined;
    const removed = await this.deps.digitized.removeDossier(
      dossierCode,
      applicant && {
        applicantKey: applicantKeyFor(applicant, this.deps.pseudonymSecret()),
        legacyKey: legacyApplicantKeyFor(applicant),
      },
    );
    return { removed, viewRead: applicant !== undefined };
  }

  /** The applicant from the dossier's view (the query works on a closed workflow); undefined once Temporal forgot it. */
  private async applicantOf(dossierCode: string): Promise<ApplicantIdentity | undefined> {
    try {
      const view = await this.deps.temporal.workflow.getHandle(dossierCode).query(dossierQuery);
      return view.state.application.applicant;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * The key was destroyed before. What an erasure interrupted after that left undone is finished:
   * documents still claimed (harmless to ask again) and the access-log entry.
   */
  private async alreadyErased(dossierCode: string, request: ErasureRequest): Promise<ErasureOutcome> {
    const documents = await this.deps.documents.eraseDossier(dossierCode);
    const entries = await this.deps.accessLog.listForDossier(dossierCode);
    const recorded = entries.find((entry) => entry.route === 'erasure');
    const entry = recorded ?? (await this.recordErasure(dossierCode, request));
    this.deps.logger.info(
      { dossierCode, erasedAt: entry.at, documentsDestroyed: documents.destroyed.length },
      'personal data of the dossier was already erased',
    );
    return {
      dossierCode,
      reason: request.reason,
      alreadyErased: true,
      erasedAt: entry.at,
      documents,
      dataKeyDestroyed: false,
      digitizedRecordsRemoved: 0,
      digitizedRegistry: 'already-erased',
    };
  }

  private recordErasure(dossierCode: string, request: ErasureRequest): Promise<Pick<AccessEntry, 'at'>> {
    return this.deps.accessLog.record({
      official: request.by,
      dossierCode,
      route: 'erasure',
      detail: request.reference ? `${request.reason}:${request.reference}` : request.reason,
    });
  }

  private log(outcome: ErasureOutcome, request: ErasureRequest): void {
    this.deps.logger.info(
      {
        dossierCode: outcome.dossierCode,
        reason: outcome.reason,
        by: request.by.id,
        unit: request.by.unit,
        documentsDestroyed: outcome.documents.destroyed.length,
        documentsReleased: outcome.documents.released.length,
        dataKeyDestroyed: outcome.dataKeyDestroyed,
        digitizedRecordsRemoved: outcome.digitizedRecordsRemoved,
        digitizedRegistry: outcome.digitizedRegistry,
      },
      'personal data of the dossier erased',
    );
  }
}
