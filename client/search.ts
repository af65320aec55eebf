/**
 * Dossier search through Temporal visibility (the search attributes of contract/search-attributes.ts).
 *
 * The visibility query is built from a typed filter whose every value is checked against a strict
 * pattern (unit codes, procedure codes, status keys, instants) and quoted, so no input can change
 * the query's structure. Page tokens wrap Temporal's nextPageToken with an HMAC bound to the query,
 * so a token works only for the search that produced it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { dossierWorkflowType } from '../contract/dossier-contract.js';
import { feedbackWorkflowType } from '../contract/feedback-contract.js';
import { interAgencyWorkflowType } from '../contract/inter-agency-contract.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { isProcedureCode } from '../domain/catalogue.js';
import { type DossierStatus, statusNames } from '../domain/dossier/dossier-status.js';
import { type FeedbackStatus, feedbackStatusNames } from '../domain/feedback/feedback-status.js';
import { isUnitCode } from '../domain/organisation.js';
import { DossierValidationError, ServiceUnavailableError } from './client-errors.js';

export interface DossierSearchFilter {
  /** Dossiers received at one of these units. */
  receivingUnits?: readonly string[];
  /** Dossiers decided by one of these agencies. */
  competentAgencies?: readonly string[];
  /** Dossiers received at, or decided by, one of these units (a supervisor's subtree). */
  involvingUnits?: readonly string[];
  procedure?: string;
  status?: DossierStatus;
  overdue?: boolean;
  /** Appointment (decree due instant) strictly before / at or after these instants (ms). */
  dueBefore?: number;
  dueAfter?: number;
}

export interface DossierSummary {
  code: string;
  receivingUnit?: string;
  competentAgency?: string;
  procedure?: string;
  channel?: string;
  status?: string;
  statusName?: string;
  dueAt?: string;
  overdue: boolean;
  /** When the workflow started (the dossier was submitted), ISO 8601 UTC. */
  startedAt?: string;
  /** The workflow has ended (result returned and evaluated, refused, stopped, withdrawn, …). */
  closed: boolean;
}

export interface DossierSearchPage {
  items: DossierSummary[];
  /** Pass as `pageToken` for the next page; absent on the last page. */
  nextPageToken?: string;
}

export const MAX_PAGE_SIZE = 100;

function quote(value: string, valid: (text: string) => boolean, what: string): string {
  // Validated values never contain quotes or backslashes; checked again here as a last line.
  if (!valid(value) || /['"\\]/.test(value)) {
    throw new DossierValidationError(`Invalid ${what}`, [`${what}: "${value.slice(0, 40)}" is not valid`]);
  }
  return `'${value}'`;
}

const isStatus = (text: string): boolean => Object.hasOwn(statusNames, text);

function inList(attribute: string, values: readonly string[], what: string): string {
  if (values.length === 0)
    throw new DossierValidationError(`Empty ${what} list`, [`${what}: must not be empty`]);
  return `${attribute} IN (${values.map((v) => quote(v, isUnitCode, what)).join(', ')})`;
}

function instant(ms: number, what: string): string {
  if (!Number.isFinite(ms))
    throw new DossierValidationError(`Invalid ${what}`, [`${what}: not a valid instant`]);
  return `'${new Date(ms).toISOString()}'`;
}

/** The visibility query of a filter. Throws DossierValidationError for an invalid value. */
export function buildDossierQuery(filter: DossierSearchFilter): string {
  const sa = searchAttributes;
  const clauses = [`WorkflowType = '${dossierWorkflowType}'`];
  if (filter.receivingUnits)
    clauses.push(inList(sa.receivingUnit.name, filter.receivingUnits, 'receivingUnit'));
  if (filter.competentAgencies)
    clauses.push(inList(sa.competentAgency.name, filter.competentAgencies, 'competentAgency'));
  if (filter.involvingUnits) {
    clauses.push(
      `(${inList(sa.receivingUnit.name, filter.involvingUnits, 'unit')} OR ${inList(sa.competentAgency.name, filter.involvingUnits, 'unit')})`,
    );
  }
  if (filter.procedure !== undefined)
    clauses.push(`${sa.procedure.name} = ${quote(filter.procedure, isProcedureCode, 'procedure')}`);
  if (filter.status !== undefined)
    clauses.push(`${sa.status.name} = ${quote(filter.status, isStatus, 'status')}`);
  if (filter.overdue !== undefined) clauses.push(`${sa.overdue.name} = ${filter.overdue ? 'true' : 'false'}`);
  if (filter.dueBefore !== undefined)
    clauses.push(`${sa.dueAt.name} < ${instant(filter.dueBefore, 'dueBefore')}`);
  if (filter.dueAfter !== undefined)
    clauses.push(`${sa.dueAt.name} >= ${instant(filter.dueAfter, 'dueAfter')}`);
  return clauses.join(' AND ');
}

/**
 * Feedback (PAKN) through the same visibility: feedback workflows keep the dossier search
 * attributes, DossierCompetentAgency holding the unit handling the feedback now and DossierDueAt its
 * open answer or publication limit.
 */
export interface FeedbackSearchFilter {
  receivingUnits?: readonly string[];
  handlingUnits?: readonly string[];
  /** Received at, or handled by, one of these units. */
  involvingUnits?: readonly string[];
  status?: FeedbackStatus;
  overdue?: boolean;
}

export interface FeedbackSummary {
  id: string;
  receivingUnit?: string;
  handlingUnit?: string;
  channel?: string;
  procedure?: string;
  status?: string;
  statusName?: string;
  dueAt?: string;
  overdue: boolean;
  submittedAt?: string;
  closed: boolean;
}

const isFeedbackStatus = (text: string): boolean => Object.hasOwn(feedbackStatusNames, text);

/** The visibility query of a feedback filter. Throws DossierValidationError for an invalid value. */
export function buildFeedbackQuery(filter: FeedbackSearchFilter): string {
  const sa = searchAttributes;
  const clauses = [`WorkflowType = '${feedbackWorkflowType}'`];
  if (filter.receivingUnits)
    clauses.push(inList(sa.receivingUnit.name, filter.receivingUnits, 'receivingUnit'));
  if (filter.handlingUnits)
    clauses.push(inList(sa.competentAgency.name, filter.handlingUnits, 'handlingUnit'));
  if (filter.involvingUnits) {
    clauses.push(
      `(${inList(sa.receivingUnit.name, filter.involvingUnits, 'unit')} OR ${inList(sa.competentAgency.name, filter.involvingUnits, 'unit')})`,
    );
  }
  if (filter.status !== undefined)
    clauses.push(`${sa.status.name} = ${quote(filter.status, isFeedbackStatus, 'status')}`);
  if (filter.overdue !== undefined) clauses.push(`${sa.overdue.name} = ${filter.overdue ? 'true' : 'false'}`);
  return clauses.join(' AND ');
}

/** The liên thông steps (child workflows) asked of these agencies; open ones only unless `all`. */
export interface InterAgencyFilter {
  agencies?: readonly string[];
  open?: boolean;
}

export interface InterAgencyTaskSummary {
  dossierCode: string;
  agency: string;
  leadAgency?: string;
  /** Added by the API from the dossier (open steps): what is asked, and its due date now. */
  task?: string;
  dueDate?: string;
  startedAt?: string;
  closed: boolean;
}

export function buildInterAgencyQuery(filter: InterAgencyFilter): string {
  const clauses = [`WorkflowType = '${interAgencyWorkflowType}'`];
  if (filter.agencies) clauses.push(inList(searchAttributes.competentAgency.name, filter.agencies, 'agency'));
  if (filter.open) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

export class DossierSearch {
  constructor(
    private readonly temporal: Client,
    /** Key for page-token HMACs (at least 32 characters). */
    private readonly secret: string,
  ) {}

  async search(
    filter: DossierSearchFilter,
    page: { pageSize?: number; pageToken?: string } = {},
  ): Promise<DossierSearchPage> {
    const { items, nextPageToken } = await this.list(buildDossierQuery(filter), page);
    return { items: items.map(summaryOf), nextPageToken };
  }

  /** Feedback in the filter, newest first, paged like the dossier search. */
  async searchFeedback(
    filter: FeedbackSearchFilter,
    page: { pageSize?: number; pageToken?: string } = {},
  ): Promise<{ items: FeedbackSummary[]; nextPageToken?: string }> {
    const { items, nextPageToken } = await this.list(buildFeedbackQuery(filter), page);
    return { items: items.map(feedbackSummaryOf), nextPageToken };
  }

  /** The liên thông steps in the filter, newest first, paged like the dossier search. */
  async searchInterAgencyTasks(
    filter: InterAgencyFilter,
    page: { pageSize?: number; pageToken?: string } = {},
  ): Promise<{ items: InterAgencyTaskSummary[]; nextPageToken?: string }> {
    const { items, nextPageToken } = await this.list(buildInterAgencyQuery(filter), page);
    return {
      items: items.map((raw) => {
        const summary = summaryOf(raw);
        // The child's id is `<dossier code>/lien-thong/<agency>` (contract/dossier-contract.ts).
        const [dossierCode = '', , agency = ''] = summary.code.split('/');
        return {
          dossierCode,
          agency: summary.competentAgency ?? agency,
          leadAgency: summary.receivingUnit,
          startedAt: summary.startedAt,
          closed: summary.closed,
        };
      }),
      nextPageToken,
    };
  }

  private async list(
    query: string,
    page: { pageSize?: number; pageToken?: string },
  ): Promise<{ items: RawExecution[]; nextPageToken?: string }> {
    const pageSize = Math.min(Math.max(1, Math.trunc(page.pageSize ?? 20)), MAX_PAGE_SIZE);
    const nextPageToken = page.pageToken ? this.openToken(query, page.pageToken) : undefined;
    let response: Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>;
    try {
      response = await this.temporal.workflowService.listWorkflowExecutions({
        namespace: this.temporal.options.namespace,
        query,
        pageSize,
        nextPageToken,
      });
    } catch (error) {
      throw translateVisibilityError(error);
    }
    const items = (response.executions ?? []) as RawExecution[];
    const token = response.nextPageToken;
    return {
      items,
      nextPageToken: token && token.length > 0 ? this.sealToken(query, token) : undefined,
    };
  }

  private mac(query: string, token: Uint8Array): Buffer {
    return createHmac('sha256', createHash('sha256').update(`tthc-page-v1:${this.secret}`).digest())
      .update(query)
      .update('\0')
      .update(token)
      .digest()
      .subarray(0, 16);
  }

  private sealToken(query: string, token: Uint8Array): string {
    return `${Buffer.from(token).toString('base64url')}.${this.mac(query, token).toString('base64url')}`;
  }

  private openToken(query: string, sealed: string): Uint8Array {
    const match = /^([A-Za-z0-9_-]{1,8192})\.([A-Za-z0-9_-]{22})$/.exec(sealed);
    const invalid = () =>
      new DossierValidationError('Invalid pageToken', [
        'pageToken: is not a token returned by this search (use nextPageToken of the previous page)',
      ]);
    if (!match?.[1] || !match[2]) throw invalid();
    const token = Buffer.from(match[1], 'base64url');
    const given = Buffer.from(match[2], 'base64url');
    const expected = this.mac(query, token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    return token;
  }
}

function translateVisibilityError(error: unknown): unknown {
  const code = (error as { code?: number }).code;
  if (code === 12) {
    return new ServiceUnavailableError(
      'Dossier search is not supported by this Temporal server (no visibility)',
    );
  }
  if (code === 3) {
    return new DossierValidationError('Invalid search', [`query: ${(error as Error).message}`]);
  }
  if (code === 14 || code === 4) return new ServiceUnavailableError('Temporal is unavailable');
  return error;
}

interface RawPayload {
  data?: Uint8Array | null;
}

function decodeAttribute(fields: Record<string, RawPayload> | null | undefined, name: string): unknown {
  const payload = fields?.[name];
  if (!payload?.data) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload.data).toString('utf8')) as unknown;
    return Array.isArray(value) ? value[0] : value;
  } catch {
    return undefined;
  }
}

interface RawExecution {
  execution?: { workflowId?: string | null } | null;
  startTime?: { seconds?: unknown; nanos?: number | null } | null;
  status?: number | null;
  searchAttributes?: { indexedFields?: Record<string, RawPayload> | null } | null;
}

function summaryOf(raw: RawExecution): DossierSummary {
  const fields = raw.searchAttributes?.indexedFields;
  const text = (name: string) => {
    const value = decodeAttribute(fields, name);
    return typeof value === 'string' ? value : undefined;
  };
  const sa = searchAttributes;
  const status = text(sa.status.name);
  const seconds = raw.startTime?.seconds;
  const dueAt = text(sa.dueAt.name);
  return {
    code: raw.execution?.workflowId ?? '',
    receivingUnit: text(sa.receivingUnit.name),
    competentAgency: text(sa.competentAgency.name),
    procedure: text(sa.procedure.name),
    channel: text(sa.channel.name),
    status,
    statusName: status && isStatus(status) ? statusNames[status as DossierStatus] : undefined,
    dueAt: isoOrUndefined(dueAt),
    overdue: decodeAttribute(fields, sa.overdue.name) === true,
    startedAt:
      seconds !== undefined && seconds !== null
        ? new Date(
            Number(String(seconds)) * 1000 + Math.floor((raw.startTime?.nanos ?? 0) / 1e6),
          ).toISOString()
        : undefined,
    // WORKFLOW_EXECUTION_STATUS_RUNNING = 1
    closed: raw.status !== 1,
  };
}

function feedbackSummaryOf(raw: RawExecution): FeedbackSummary {
  const dossier = summaryOf(raw);
  const status = dossier.status;
  return {
    id: dossier.code,
    receivingUnit: dossier.receivingUnit,
    handlingUnit: dossier.competentAgency,
    channel: dossier.channel,
    procedure: dossier.procedure,
    status,
    statusName:
      status && isFeedbackStatus(status) ? feedbackStatusNames[status as FeedbackStatus] : undefined,
    dueAt: dossier.dueAt,
    overdue: dossier.overdue,
    submittedAt: dossier.startedAt,
    closed: dossier.closed,
  };
}

function isoOrUndefined(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
