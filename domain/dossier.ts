/**
 * The dossier lifecycle as a pure state machine (DOMAIN.md §1.1): intake → processing by the
 * competent agency → apology-and-reschedule → result and return. The Temporal workflow wraps it:
 * `checkAction` is the update validator (synchronous, changes nothing) and `applyAction` returns
 * the next state and the domain events to publish. Time is always passed in (workflow time).
 */
import { z } from 'zod';
import type { DossierApplication, DossierDocument } from './application.js';
import type { WorkingCalendar } from './calendar.js';
import type { Procedure } from './catalogue.js';
import {
  type DeadlineLedger,
  DeadlineRuleError,
  decreeAppointment,
  evaluate766,
  isSuspended,
  openLedger,
  receiptDate,
  reschedule,
  resume,
  suspend,
} from './deadline.js';
import { lazyRecord } from './lazy.js';
import {
  addCalendarDays,
  type CivilDate,
  formatInstant,
  type Instant,
  startOfCivilDay,
  toCivilDate,
} from './time.js';
import { civilDateSchema, kebabIdSchema, textSchema } from './validation.js';

// ---------------------------------------------------------------------------------------------
// Statuses: the names DVCQG and Decision 766 use (DOMAIN.md §1.1 item 10), plus two engine states.

export const statusNames = {
  CHO_TIEP_NHAN: 'Chờ tiếp nhận',
  MOI_TIEP_NHAN: 'Mới tiếp nhận',
  DANG_XU_LY: 'Đang xử lý',
  YEU_CAU_BO_SUNG: 'Yêu cầu bổ sung hồ sơ',
  DA_XU_LY_XONG: 'Đã xử lý xong',
  DA_TRA_KET_QUA: 'Đã trả kết quả',
  DUNG_XU_LY: 'Dừng xử lý',
  TU_CHOI: 'Từ chối',
  CONG_DAN_RUT: 'Công dân yêu cầu rút hồ sơ',
  KHONG_BO_SUNG: 'Không hoàn thành bổ sung',
} as const;

export type DossierStatus = keyof typeof statusNames;

/** Statuses after which nothing but the return of a result or an evaluation can happen. */
export const closedStatuses: ReadonlySet<DossierStatus> = new Set([
  'DUNG_XU_LY',
  'CONG_DAN_RUT',
  'KHONG_BO_SUNG',
  'DA_TRA_KET_QUA',
]);

export const roles = [
  'counter-officer',
  'specialist',
  'leader',
  'applicant',
  'supervisor',
  'administrator',
] as const;
export type Role = (typeof roles)[number];

export const actorSchema = z.strictObject({
  id: textSchema,
  name: textSchema,
  unit: textSchema,
  role: z.enum(roles, `must be one of ${roles.join(', ')}`),
});
export type Actor = z.infer<typeof actorSchema>;

// ---------------------------------------------------------------------------------------------
// Actions (what officials and applicants do). Each is validated with zod at the boundary.

const supplementItemSchema = z.strictObject({
  kind: kebabIdSchema.optional(),
  name: textSchema,
  reason: textSchema,
  form: z.enum(['paper', 'electronic']).default('electronic'),
});
export type SupplementItem = z.infer<typeof supplementItemSchema>;

const documentsSchema = z
  .array(
    z.strictObject({
      kind: kebabIdSchema,
      name: textSchema.optional(),
      form: z.enum(['paper', 'electronic']),
      fileRef: textSchema.optional(),
      pages: z.number().int().min(1).optional(),
    }),
  )
  .min(1, 'must list at least one document');

export const actionSchemas = lazyRecord({
  'provide-intake-supplement': () => z.strictObject({ documents: documentsSchema }),
  'refuse-intake': () => z.strictObject({ reason: textSchema }),
  'request-supplementation': () =>
    z.strictObject({
      items: z.array(supplementItemSchema).min(1, 'must list every item to supplement at once'),
      reason: textSchema,
    }),
  'provide-supplementation': () => z.strictObject({ documents: documentsSchema }),
  assign: () => z.strictObject({ specialist: z.strictObject({ id: textSchema, name: textSchema }) }),
  appraise: () => z.strictObject({ recommendation: z.enum(['approve', 'refuse']), note: textSchema }),
  'start-inter-agency': () =>
    z.strictObject({
      participants: z
        .array(z.strictObject({ agency: textSchema, task: textSchema, workingDays: z.number().int().min(1) }))
        .min(1, 'must name at least one participating agency'),
    }),
  'complete-inter-agency': () => z.strictObject({ agency: textSchema, opinion: textSchema }),
  approve: () => z.strictObject({ note: textSchema.optional(), alsoPaperResult: z.boolean().optional() }),
  refuse: () => z.strictObject({ reason: textSchema }),
  apologize: () => z.strictObject({ reason: textSchema, newDueDate: civilDateSchema }),
  stop: () => z.strictObject({ reason: textSchema }),
  withdraw: () => z.strictObject({ reason: textSchema.optional() }),
  'return-result': () =>
    z.strictObject({
      channel: z.enum(['counter', 'postal', 'online']),
      earlyNoticeSent: z.boolean().optional(),
    }),
  'record-payment': () =>
    z.strictObject({
      amountVnd: z.number().int().min(0),
      channel: z.enum(['dvcqg', 'local-portal', 'cash', 'transfer', 'postal']),
      receiptRef: textSchema.optional(),
    }),
  evaluate: () =>
    z.strictObject({
      /** TT 01/2018 Art 13 per-dossier indicators 1, 2, 3, 4, 6, 7, each 0, 1 or 2 points. */
      scores: z
        .partialRecord(
          z.enum(['1', '2', '3', '4', '6', '7']),
          z.union([z.literal(0), z.literal(1), z.literal(2)]),
        )
        .refine((scores) => Object.keys(scores).length > 0, 'must score at least one indicator'),
      liked: z.boolean().optional(),
      comment: z.string().max(2000).optional(),
    }),
});

export type ActionName = keyof typeof actionSchemas;
export const actionNames = Object.keys(actionSchemas) as ActionName[];
export type ActionPayload<A extends ActionName> = z.output<(typeof actionSchemas)[A]>;
export type ActionInput<A extends ActionName> = z.input<(typeof actionSchemas)[A]>;

export type DossierAction = {
  [A in ActionName]: { name: A; actor: Actor; payload: ActionPayload<A> };
}[ActionName];

// ---------------------------------------------------------------------------------------------
// State

export interface StoredComponent {
  kind: string;
  name: string;
  form: 'paper' | 'electronic';
  digitized: boolean;
  reused: boolean;
  fromDataStore: boolean;
  ref?: string;
  sha256?: string;
  signedBy?: string;
}

export interface HistoryEntry {
  at: string;
  action: string;
  status: DossierStatus;
  actor?: { id: string; name: string; unit: string; role: Role };
  note?: string;
}

export interface SupplementRequest {
  phase: 'intake' | 'processing';
  requestedAt: Instant;
  items: SupplementItem[];
  reason: string;
  by?: string;
  providedAt?: Instant;
}

export interface InterAgencyTask {
  agency: string;
  task: string;
  workingDays: number;
  startedAt: Instant;
  dueDate: CivilDate;
  completedAt?: Instant;
  opinion?: string;
  late?: boolean;
}

export interface ResultDocument {
  kind: 'approval' | 'refusal';
  ref: string;
  sha256: string;
  signedBy: string;
  signedAt: string;
  link: string;
  paperResult: boolean;
  reason?: string;
}

export interface Payment {
  amountVnd: number;
  channel: 'dvcqg' | 'local-portal' | 'cash' | 'transfer' | 'postal';
  receiptRef?: string;
  at: Instant;
}

export interface DossierState {
  code: string;
  status: DossierStatus;
  application: Omit<DossierApplication, 'documents'>;
  procedure: Pick<
    Procedure,
    'code' | 'name' | 'duration' | 'steps' | 'paperResult' | 'serviceLevel' | 'fees' | 'ruleVersion'
  >;
  submittedAt: Instant;
  acceptedAt?: Instant;
  components: StoredComponent[];
  deadline?: DeadlineLedger;
  supplements: SupplementRequest[];
  step: 'intake' | 'assign' | 'appraise' | 'approve' | 'return' | 'done';
  holder: { unit: string; official?: { id: string; name: string } };
  appraisal?: { recommendation: 'approve' | 'refuse'; note: string; at: Instant; by: string };
  interAgency: InterAgencyTask[];
  apology?: {
    at: Instant;
    reason: string;
    previousDueDate: CivilDate;
    newDueDate: CivilDate;
    by: string;
    late: boolean;
  };
  apologyRequiredSince?: Instant;
  overdueSince?: Instant;
  overdueWithoutApology: boolean;
  result?: ResultDocument;
  decidedAt?: Instant;
  returnedAt?: Instant;
  returnChannel?: 'counter' | 'postal' | 'online';
  returnedEarly?: boolean;
  payments: Payment[];
  evaluation?: { scores: Record<string, number>; liked?: boolean; at: Instant };
  endedAt?: Instant;
  endReason?: string;
  history: HistoryEntry[];
}

// ---------------------------------------------------------------------------------------------
// Errors

export type RejectionCode =
  | 'ILLEGAL_STATE'
  | 'WRONG_AGENCY'
  | 'WRONG_ROLE'
  | 'WRONG_OFFICIAL'
  | 'OUT_OF_ORDER'
  | 'ONCE_ONLY'
  | 'TOO_LATE'
  | 'PAPER_ON_ONLINE'
  | 'INVALID_INPUT';

/** An action the rules do not allow now; it changes nothing. */
export class ActionRejected extends Error {
  override name = 'ActionRejected';
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

function reject(code: RejectionCode, message: string): never {
  throw new ActionRejected(code, message);
}

// ---------------------------------------------------------------------------------------------
// Creation and intake

export interface DomainEvent {
  type: string;
  at: Instant;
  data: Record<string, unknown>;
}

export interface Transition {
  state: DossierState;
  events: DomainEvent[];
}

export function newDossier(
  code: string,
  application: DossierApplication,
  procedure: Procedure,
  submittedAt: Instant,
): DossierState {
  const { documents: _documents, ...rest } = application;
  return {
    code,
    status: 'CHO_TIEP_NHAN',
    application: rest,
    procedure: {
      code: procedure.code,
      name: procedure.name,
      duration: procedure.duration,
      steps: procedure.steps,
      paperResult: procedure.paperResult,
      serviceLevel: procedure.serviceLevel,
      fees: procedure.fees,
      ruleVersion: procedure.ruleVersion,
    },
    submittedAt,
    components: [],
    supplements: [],
    step: 'intake',
    holder: { unit: application.receivingUnit },
    interAgency: [],
    overdueWithoutApology: false,
    payments: [],
    history: [],
  };
}

export function componentsFrom(
  documents: readonly DossierDocument[],
  procedure: Procedure,
): StoredComponent[] {
  return documents.map((document) => ({
    kind: document.kind,
    name:
      document.name ??
      procedure.requiredDocuments.find((r) => r.kind === document.kind)?.name ??
      document.kind,
    form: document.form,
    digitized: Boolean(document.digitized || document.fileRef),
    reused: Boolean(document.reusedFrom),
    fromDataStore: Boolean(document.fromDataStore),
    ref: document.fileRef ?? document.reusedFrom,
  }));
}

export type IntakeDecision =
  | { outcome: 'accepted' }
  | { outcome: 'supplement'; items: SupplementItem[] }
  | { outcome: 'refused'; reason: string };

/**
 * Intake at the one-stop shop (ND 61 Art 17): every missing item at once (Art 15(3)), or a
 * refusal the officer asked for, or acceptance.
 */
export function decideIntake(
  missing: ReadonlyArray<{ kind: string; name: string }>,
  officerItems: readonly SupplementItem[],
  refuseReason: string | undefined,
  channel: DossierApplication['channel'],
): IntakeDecision {
  if (refuseReason) return { outcome: 'refused', reason: refuseReason };
  const items: SupplementItem[] = [
    ...missing.map((m) => ({
      kind: m.kind,
      name: m.name,
      reason: 'Thiếu thành phần hồ sơ bắt buộc',
      form: 'electronic' as const,
    })),
    ...officerItems,
  ];
  if (channel === 'online' && items.some((item) => item.form === 'paper')) {
    reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến không yêu cầu bổ sung giấy tờ bản giấy');
  }
  return items.length > 0 ? { outcome: 'supplement', items } : { outcome: 'accepted' };
}

export function accept(
  state: DossierState,
  at: Instant,
  calendar: WorkingCalendar,
  actor?: Actor,
): Transition {
  const deadline = openLedger(at, state.procedure.duration);
  const next: DossierState = {
    ...state,
    status: 'MOI_TIEP_NHAN',
    acceptedAt: at,
    deadline,
    step: state.procedure.steps.includes('assign') ? 'assign' : 'appraise',
    holder: { unit: state.application.competentAgency },
  };
  const appointment = decreeAppointment(deadline, calendar);
  return record(next, at, 'accept', actor, [
    {
      type: 'accepted',
      at,
      data: {
        dueDate: appointment?.dueDate,
        dueAt: appointment ? formatInstant(appointment.dueAt) : undefined,
      },
    },
  ]);
}

export function requestIntakeSupplement(
  state: DossierState,
  at: Instant,
  items: SupplementItem[],
  actor?: Actor,
): Transition {
  const request: SupplementRequest = {
    phase: 'intake',
    requestedAt: at,
    items,
    reason: 'Hồ sơ chưa đầy đủ',
    by: actor?.id,
  };
  const next: DossierState = {
    ...state,
    status: 'YEU_CAU_BO_SUNG',
    supplements: [...state.supplements, request],
  };
  return record(next, at, 'request-intake-supplement', actor, [
    { type: 'supplement-requested', at, data: { phase: 'intake', items } },
  ]);
}

export function refuseAtIntake(state: DossierState, at: Instant, reason: string, actor?: Actor): Transition {
  const next: DossierState = { ...state, status: 'TU_CHOI', step: 'done', endedAt: at, endReason: reason };
  return record(next, at, 'refuse-intake', actor, [
    { type: 'refused', at, data: { stage: 'intake', reason } },
  ]);
}

export function closeForMissingSupplement(state: DossierState, at: Instant): Transition {
  const next: DossierState = {
    ...state,
    status: 'KHONG_BO_SUNG',
    step: 'done',
    endedAt: at,
    endReason: 'Người nộp không bổ sung hồ sơ trong thời hạn',
  };
  return record(next, at, 'close-no-supplement', undefined, [{ type: 'closed-incomplete', at, data: {} }]);
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the validator and the handler

const staffRoles: readonly Role[] = ['specialist', 'leader'];

function requireStatus(state: DossierState, allowed: readonly DossierStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    reject(
      'ILLEGAL_STATE',
      `Không thể thực hiện "${action}" khi hồ sơ ở trạng thái "${statusNames[state.status]}"`,
    );
  }
}

function requireCompetentStaff(state: DossierState, actor: Actor, roles: readonly Role[] = staffRoles): void {
  if (actor.unit !== state.application.competentAgency) {
    reject(
      'WRONG_AGENCY',
      `Hồ sơ thuộc thẩm quyền của ${state.application.competentAgency}; cán bộ của ${actor.unit} không thực hiện được thao tác này`,
    );
  }
  if (!roles.includes(actor.role)) {
    reject(
      'WRONG_ROLE',
      `Thao tác này cần vai trò ${roles.join(' hoặc ')}; người thực hiện có vai trò ${actor.role}`,
    );
  }
}

function requireCounterOrApplicant(state: DossierState, actor: Actor): void {
  if (actor.role === 'applicant') return;
  if (actor.role !== 'counter-officer') {
    reject(
      'WRONG_ROLE',
      `Thao tác này do người nộp hoặc cán bộ một cửa thực hiện; người thực hiện có vai trò ${actor.role}`,
    );
  }
  if (actor.unit !== state.application.receivingUnit) {
    reject(
      'WRONG_AGENCY',
      `Hồ sơ được tiếp nhận tại ${state.application.receivingUnit}, không phải ${actor.unit}`,
    );
  }
}

const processingStatuses: readonly DossierStatus[] = ['MOI_TIEP_NHAN', 'DANG_XU_LY'];

/** Working days after acceptance within which the agency may ask for supplementation (ND 61 Art 19(4)). */
export const supplementationWindowWorkingDays = 3;

/**
 * Throws ActionRejected if the action is not allowed now; changes nothing. Used as the Temporal
 * update validator and again by the handler (the state may have moved in between).
 */
export function checkAction(
  state: DossierState,
  action: DossierAction,
  now: Instant,
  calendar: WorkingCalendar,
): void {
  const { actor } = action;
  switch (action.name) {
    case 'provide-intake-supplement':
      requireStatus(state, ['YEU_CAU_BO_SUNG'], 'bổ sung hồ sơ khi tiếp nhận');
      if (state.step !== 'intake')
        reject(
          'ILLEGAL_STATE',
          'Hồ sơ đang chờ bổ sung trong quá trình giải quyết, không phải khi tiếp nhận',
        );
      requireCounterOrApplicant(state, actor);
      requireElectronicIfOnline(state, action.payload.documents);
      return;
    case 'refuse-intake':
      requireStatus(state, ['CHO_TIEP_NHAN', 'YEU_CAU_BO_SUNG'], 'từ chối tiếp nhận');
      if (state.step !== 'intake')
        reject('ILLEGAL_STATE', 'Hồ sơ đã được tiếp nhận; dùng thao tác từ chối giải quyết');
      if (actor.role !== 'counter-officer' || actor.unit !== state.application.receivingUnit) {
        reject('WRONG_ROLE', 'Chỉ cán bộ một cửa của đơn vị tiếp nhận được từ chối tiếp nhận hồ sơ');
      }
      return;
    case 'request-supplementation':
      checkSupplementationRequest(state, action.actor, action.payload, now, calendar);
      return;
    case 'provide-supplementation':
      requireStatus(state, ['YEU_CAU_BO_SUNG'], 'bổ sung hồ sơ');
      if (state.step === 'intake')
        reject('ILLEGAL_STATE', 'Hồ sơ đang chờ bổ sung khi tiếp nhận; dùng thao tác bổ sung khi tiếp nhận');
      requireCounterOrApplicant(state, actor);
      requireElectronicIfOnline(state, action.payload.documents);
      return;
    case 'assign':
      requireStatus(state, processingStatuses, 'phân công');
      requireCompetentStaff(state, actor, ['leader']);
      if (state.step !== 'assign' && state.step !== 'appraise') {
        reject('OUT_OF_ORDER', 'Hồ sơ đã qua bước thẩm định; không phân công lại được');
      }
      return;
    case 'appraise':
      requireStatus(state, processingStatuses, 'thẩm định');
      requireCompetentStaff(state, actor, ['specialist']);
      if (state.step === 'assign') reject('OUT_OF_ORDER', 'Hồ sơ chưa được phân công cho chuyên viên');
      if (state.step !== 'appraise') reject('OUT_OF_ORDER', 'Hồ sơ đã được thẩm định');
      if (state.holder.official && state.holder.official.id !== actor.id) {
        reject(
          'WRONG_OFFICIAL',
          `Hồ sơ được phân công cho ${state.holder.official.name}, không phải ${actor.name}`,
        );
      }
      if (pendingInterAgency(state).length > 0) {
        reject(
          'OUT_OF_ORDER',
          `Còn chờ ý kiến liên thông của ${pendingInterAgency(state)
            .map((t) => t.agency)
            .join(', ')}`,
        );
      }
      return;
    case 'start-inter-agency':
      requireStatus(state, processingStatuses, 'liên thông');
      requireCompetentStaff(state, actor);
      if (state.step !== 'appraise' && state.step !== 'assign')
        reject('OUT_OF_ORDER', 'Hồ sơ đã qua bước thẩm định');
      for (const p of action.payload.participants) {
        if (p.agency === state.application.competentAgency)
          reject('INVALID_INPUT', 'Cơ quan chủ trì không tự liên thông với chính mình');
        if (state.interAgency.some((t) => t.agency === p.agency && !t.completedAt)) {
          reject('ONCE_ONLY', `Đã gửi liên thông tới ${p.agency} và đang chờ ý kiến`);
        }
      }
      return;
    case 'complete-inter-agency': {
      const task = state.interAgency.find((t) => t.agency === action.payload.agency && !t.completedAt);
      if (!task)
        reject('ILLEGAL_STATE', `Không có yêu cầu liên thông đang chờ ý kiến của ${action.payload.agency}`);
      if (actor.unit !== action.payload.agency || !staffRoles.includes(actor.role)) {
        reject('WRONG_AGENCY', `Chỉ cán bộ của ${action.payload.agency} cho ý kiến liên thông`);
      }
      return;
    }
    case 'approve':
    case 'refuse':
      requireStatus(state, ['DANG_XU_LY'], action.name === 'approve' ? 'phê duyệt' : 'từ chối giải quyết');
      requireCompetentStaff(state, actor, ['leader']);
      if (!state.appraisal)
        reject('OUT_OF_ORDER', 'Hồ sơ chưa được thẩm định; không thể phê duyệt hay từ chối');
      if (action.name === 'approve' && state.appraisal.recommendation !== 'approve') {
        reject('OUT_OF_ORDER', 'Kết quả thẩm định đề nghị từ chối; không phê duyệt được');
      }
      return;
    case 'apologize':
      checkApology(state, actor, action.payload.newDueDate, calendar);
      return;
    case 'stop':
      requireStatus(state, ['MOI_TIEP_NHAN', 'DANG_XU_LY', 'YEU_CAU_BO_SUNG'], 'dừng giải quyết');
      if (state.step === 'intake') reject('ILLEGAL_STATE', 'Hồ sơ chưa được tiếp nhận');
      requireCompetentStaff(state, actor, ['leader']);
      return;
    case 'withdraw':
      requireStatus(state, ['MOI_TIEP_NHAN', 'DANG_XU_LY', 'YEU_CAU_BO_SUNG'], 'rút hồ sơ');
      if (state.step === 'intake')
        reject('ILLEGAL_STATE', 'Hồ sơ chưa được tiếp nhận; không có hồ sơ để rút');
      requireCounterOrApplicant(state, actor);
      return;
    case 'return-result':
      requireStatus(state, ['DA_XU_LY_XONG', 'TU_CHOI'], 'trả kết quả');
      if (!state.result) reject('OUT_OF_ORDER', 'Chưa có kết quả giải quyết để trả');
      if (actor.role !== 'counter-officer' || actor.unit !== state.application.receivingUnit) {
        reject('WRONG_AGENCY', `Kết quả được trả tại bộ phận một cửa ${state.application.receivingUnit}`);
      }
      if (
        action.payload.channel === 'online' &&
        state.application.channel !== 'online' &&
        !state.result.link
      ) {
        reject('INVALID_INPUT', 'Kết quả không có bản điện tử để trả trực tuyến');
      }
      return;
    case 'record-payment':
      if (state.step === 'intake' || closedStatuses.has(state.status)) {
        reject(
          'ILLEGAL_STATE',
          `Không ghi nhận thanh toán khi hồ sơ ở trạng thái "${statusNames[state.status]}"`,
        );
      }
      if (actor.role !== 'counter-officer' && actor.role !== 'applicant')
        reject('WRONG_ROLE', 'Thanh toán do người nộp hoặc cán bộ một cửa ghi nhận');
      return;
    case 'evaluate':
      requireStatus(state, ['DA_TRA_KET_QUA'], 'đánh giá');
      if (actor.role !== 'applicant') reject('WRONG_ROLE', 'Chỉ người nộp hồ sơ đánh giá mức độ hài lòng');
      if (state.evaluation) reject('ONCE_ONLY', 'Hồ sơ đã được đánh giá');
      return;
  }
}

function requireElectronicIfOnline(
  state: DossierState,
  documents: ReadonlyArray<{ form: 'paper' | 'electronic' }>,
): void {
  if (state.application.channel === 'online' && documents.some((d) => d.form === 'paper')) {
    reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến chỉ nhận thành phần hồ sơ điện tử');
  }
}

function checkSupplementationRequest(
  state: DossierState,
  actor: Actor,
  payload: ActionPayload<'request-supplementation'>,
  now: Instant,
  calendar: WorkingCalendar,
): void {
  if (state.step === 'intake') {
    reject('ONCE_ONLY', 'Đã yêu cầu bổ sung khi tiếp nhận: phải hướng dẫn một lần, đầy đủ (ND 61 Art 15(3))');
  }
  requireStatus(state, processingStatuses, 'yêu cầu bổ sung');
  requireCompetentStaff(state, actor);
  if (state.application.channel === 'online' && payload.items.some((item) => item.form === 'paper')) {
    reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến không yêu cầu bổ sung giấy tờ bản giấy');
  }
  // Counted from the day the dossier counts as received, as the deadline itself is (DOMAIN.md §1.4).
  const receivedOn = receiptDate(state.acceptedAt ?? now, calendar);
  const elapsed = calendar.workingDaysBetween(receivedOn, toCivilDate(now));
  if (elapsed > supplementationWindowWorkingDays) {
    reject(
      'TOO_LATE',
      `Đã quá ${supplementationWindowWorkingDays} ngày làm việc kể từ ngày tiếp nhận (${elapsed} ngày); không được yêu cầu bổ sung (ND 61 Art 19(4))`,
    );
  }
}

function checkApology(
  state: DossierState,
  actor: Actor,
  newDueDate: CivilDate,
  calendar: WorkingCalendar,
): void {
  requireStatus(state, processingStatuses, 'xin lỗi và hẹn lại');
  requireCompetentStaff(state, actor, ['leader']);
  if (state.apology)
    reject('ONCE_ONLY', 'Việc hẹn lại ngày trả kết quả chỉ thực hiện một lần (ND 61 Art 19(9))');
  if (!state.deadline) reject('ILLEGAL_STATE', 'Hồ sơ chưa có hạn giải quyết');
  try {
    reschedule(state.deadline, 0, newDueDate, 'check', calendar);
  } catch (error) {
    if (error instanceof DeadlineRuleError) reject('INVALID_INPUT', error.message);
    throw error;
  }
}

export function pendingInterAgency(state: DossierState): InterAgencyTask[] {
  return state.interAgency.filter((t) => !t.completedAt);
}

// ---------------------------------------------------------------------------------------------
// Applying actions. Side effects that need I/O (signing a result, digitizing supplements) are
// done by the workflow first; their outputs come in `effects`.

export interface ActionEffects {
  result?: ResultDocument;
  components?: StoredComponent[];
}

export function applyAction(
  state: DossierState,
  action: DossierAction,
  now: Instant,
  calendar: WorkingCalendar,
  effects: ActionEffects = {},
): Transition {
  checkAction(state, action, now, calendar);
  const { actor } = action;
  switch (action.name) {
    case 'provide-intake-supplement': {
      const next = markSupplementProvided(
        { ...state, components: [...state.components, ...(effects.components ?? [])] },
        now,
      );
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-provided',
          at: now,
          data: { phase: 'intake', kinds: action.payload.documents.map((d) => d.kind) },
        },
      ]);
    }
    case 'refuse-intake':
      return refuseAtIntake(state, now, action.payload.reason, actor);
    case 'request-supplementation': {
      const deadline = suspend(requireLedger(state), now);
      const request: SupplementRequest = {
        phase: 'processing',
        requestedAt: now,
        items: action.payload.items,
        reason: action.payload.reason,
        by: actor.id,
      };
      const next: DossierState = {
        ...state,
        status: 'YEU_CAU_BO_SUNG',
        deadline,
        supplements: [...state.supplements, request],
      };
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-requested',
          at: now,
          data: { phase: 'processing', items: action.payload.items, count: countProcessingRequests(next) },
        },
      ]);
    }
    case 'provide-supplementation': {
      const deadline = resume(requireLedger(state), now);
      const next = markSupplementProvided(
        {
          ...state,
          status: 'DANG_XU_LY',
          deadline,
          components: [...state.components, ...(effects.components ?? [])],
        },
        now,
      );
      const appointment = decreeAppointment(deadline, calendar);
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-provided',
          at: now,
          data: { phase: 'processing', decreeDueDate: appointment?.dueDate },
        },
      ]);
    }
    case 'assign': {
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        step: 'appraise',
        holder: { unit: state.application.competentAgency, official: action.payload.specialist },
      };
      return record(next, now, action.name, actor, [
        { type: 'assigned', at: now, data: { specialist: action.payload.specialist } },
      ]);
    }
    case 'appraise': {
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        step: 'approve',
        appraisal: {
          recommendation: action.payload.recommendation,
          note: action.payload.note,
          at: now,
          by: actor.id,
        },
        holder: { unit: state.application.competentAgency },
      };
      return record(next, now, action.name, actor, [
        { type: 'appraised', at: now, data: { recommendation: action.payload.recommendation } },
      ]);
    }
    case 'start-inter-agency': {
      const tasks = action.payload.participants.map((p) => ({
        agency: p.agency,
        task: p.task,
        workingDays: p.workingDays,
        startedAt: now,
        dueDate: calendar.addWorkingDays(toCivilDate(now), p.workingDays),
      }));
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        interAgency: [...state.interAgency, ...tasks],
      };
      return record(next, now, action.name, actor, [
        { type: 'inter-agency-started', at: now, data: { tasks } },
      ]);
    }
    case 'complete-inter-agency': {
      const interAgency = state.interAgency.map((t) =>
        t.agency === action.payload.agency && !t.completedAt
          ? { ...t, completedAt: now, opinion: action.payload.opinion, late: toCivilDate(now) > t.dueDate }
          : t,
      );
      const next: DossierState = { ...state, interAgency };
      return record(next, now, action.name, actor, [
        { type: 'inter-agency-completed', at: now, data: { agency: action.payload.agency } },
      ]);
    }
    case 'approve':
    case 'refuse': {
      if (!effects.result) throw new Error(`${action.name} needs the signed result document`);
      const status: DossierStatus = action.name === 'approve' ? 'DA_XU_LY_XONG' : 'TU_CHOI';
      const next: DossierState = {
        ...state,
        status,
        step: 'return',
        result: effects.result,
        decidedAt: now,
        holder: { unit: state.application.receivingUnit },
      };
      return record(next, now, action.name, actor, [
        {
          type: action.name === 'approve' ? 'approved' : 'refused',
          at: now,
          data: {
            stage: 'after-appraisal',
            resultLink: effects.result.link,
            paperResult: effects.result.paperResult,
          },
        },
      ]);
    }
    case 'apologize': {
      const deadline = reschedule(
        requireLedger(state),
        now,
        action.payload.newDueDate,
        action.payload.reason,
        calendar,
      );
      const previousDueDate = deadline.reschedule?.previousDueDate ?? action.payload.newDueDate;
      // ND 61 Art 19(9): the letter is due at the latest one working day before the due date.
      const late = toCivilDate(now) >= previousDueDate;
      const apology = {
        at: now,
        reason: action.payload.reason,
        previousDueDate,
        newDueDate: action.payload.newDueDate,
        by: actor.id,
        late,
      };
      const next: DossierState = {
        ...state,
        deadline,
        apology,
        overdueWithoutApology: false,
        overdueSince: undefined,
      };
      return record(next, now, action.name, actor, [{ type: 'rescheduled', at: now, data: { ...apology } }]);
    }
    case 'stop':
      return end(state, now, 'DUNG_XU_LY', action.name, actor, action.payload.reason, 'stopped');
    case 'withdraw':
      return end(
        state,
        now,
        'CONG_DAN_RUT',
        action.name,
        actor,
        action.payload.reason ?? 'Công dân yêu cầu rút hồ sơ',
        'withdrawn',
      );
    case 'return-result': {
      const dueDate = state.deadline ? decreeAppointment(state.deadline, calendar)?.dueDate : undefined;
      const early = dueDate !== undefined && toCivilDate(now) < dueDate;
      const next: DossierState = {
        ...state,
        status: 'DA_TRA_KET_QUA',
        step: 'done',
        returnedAt: now,
        returnChannel: action.payload.channel,
        returnedEarly: early,
      };
      return record(next, now, action.name, actor, [
        { type: 'result-returned', at: now, data: { channel: action.payload.channel, early } },
      ]);
    }
    case 'record-payment': {
      const payment: Payment = { ...action.payload, at: now };
      const next: DossierState = { ...state, payments: [...state.payments, payment] };
      return record(next, now, action.name, actor, [
        { type: 'payment-recorded', at: now, data: { ...action.payload, paidOnline: paidOnline(payment) } },
      ]);
    }
    case 'evaluate': {
      const evaluation = {
        scores: action.payload.scores as Record<string, number>,
        liked: action.payload.liked,
        at: now,
      };
      const next: DossierState = { ...state, evaluation };
      return record(next, now, action.name, actor, [
        { type: 'evaluated', at: now, data: { scores: evaluation.scores, liked: evaluation.liked } },
      ]);
    }
  }
}

function end(
  state: DossierState,
  at: Instant,
  status: DossierStatus,
  action: string,
  actor: Actor,
  reason: string,
  eventType: string,
): Transition {
  const next: DossierState = { ...state, status, step: 'done', endedAt: at, endReason: reason };
  return record(next, at, action, actor, [{ type: eventType, at, data: { reason } }]);
}

function requireLedger(state: DossierState): DeadlineLedger {
  if (!state.deadline) reject('ILLEGAL_STATE', 'Hồ sơ chưa được tiếp nhận');
  return state.deadline;
}

function markSupplementProvided(state: DossierState, at: Instant): DossierState {
  const supplements = state.supplements.map((s, i) =>
    i === state.supplements.length - 1 && s.providedAt === undefined ? { ...s, providedAt: at } : s,
  );
  return { ...state, supplements };
}

export function countProcessingRequests(state: DossierState): number {
  return state.supplements.filter((s) => s.phase === 'processing').length;
}

export function paidOnline(payment: Payment): boolean {
  return payment.channel === 'dvcqg' || payment.channel === 'local-portal';
}

function record(
  state: DossierState,
  at: Instant,
  action: string,
  actor: Actor | undefined,
  events: DomainEvent[],
): Transition {
  const entry: HistoryEntry = {
    at: formatInstant(at),
    action,
    status: state.status,
    actor: actor ? { id: actor.id, name: actor.name, unit: actor.unit, role: actor.role } : undefined,
  };
  return { state: { ...state, history: [...state.history, entry] }, events };
}

// ---------------------------------------------------------------------------------------------
// Timers: the apology check and overdue flags (ND 61 Art 19(9))

export function isFinishedProcessing(state: DossierState): boolean {
  return state.step === 'return' || state.step === 'done';
}

/** When the agency must have issued the apology at the latest: the working day before the due date. */
export function apologyCheckAt(state: DossierState, calendar: WorkingCalendar): Instant | undefined {
  if (!state.deadline || state.apology || state.apologyRequiredSince || isFinishedProcessing(state))
    return undefined;
  const due = decreeAppointment(state.deadline, calendar);
  if (!due) return undefined;
  const checkAt = startOfCivilDay(previousWorkingDay(due.dueDate, calendar));
  // A deadline of a day or less leaves no day before it: only the overdue check applies.
  return checkAt > (state.acceptedAt ?? 0) ? checkAt : undefined;
}

export function overdueCheckAt(state: DossierState, calendar: WorkingCalendar): Instant | undefined {
  if (!state.deadline || state.overdueSince || isFinishedProcessing(state)) return undefined;
  return decreeAppointment(state.deadline, calendar)?.dueAt;
}

export function flagApologyRequired(state: DossierState, at: Instant, calendar: WorkingCalendar): Transition {
  const due = state.deadline ? decreeAppointment(state.deadline, calendar) : undefined;
  const next: DossierState = { ...state, apologyRequiredSince: at };
  return record(next, at, 'apology-required', undefined, [
    {
      type: 'apology-required',
      at,
      data: { dueDate: due?.dueDate, agency: state.application.competentAgency },
    },
  ]);
}

export function flagOverdue(state: DossierState, at: Instant, calendar: WorkingCalendar): Transition {
  const due = state.deadline ? decreeAppointment(state.deadline, calendar) : undefined;
  const withoutApology = !state.apology;
  const next: DossierState = { ...state, overdueSince: at, overdueWithoutApology: withoutApology };
  return record(next, at, withoutApology ? 'overdue-without-apology' : 'overdue', undefined, [
    {
      type: withoutApology ? 'overdue-unapologized' : 'overdue',
      at,
      data: { dueDate: due?.dueDate, agency: state.application.competentAgency, escalate: true },
    },
  ]);
}

function previousWorkingDay(date: CivilDate, calendar: WorkingCalendar): CivilDate {
  let day = date;
  for (let i = 0; i < 60; i++) {
    day = addCalendarDays(day, -1);
    if (calendar.isWorkingDay(day)) return day;
  }
  return day;
}

// ---------------------------------------------------------------------------------------------
// Views

export interface DeadlineViews {
  decree?: { dueDate: CivilDate; dueAt: string; paused: boolean };
  decision766?: { dueDate: CivilDate; onTimeSoFar: boolean; pausedMs: number; lateReason?: string };
  paused: boolean;
  pauses: Array<{ from: string; to?: string }>;
  rescheduled: boolean;
}

export function deadlineViews(state: DossierState, now: Instant, calendar: WorkingCalendar): DeadlineViews {
  if (!state.deadline) return { paused: false, pauses: [], rescheduled: false };
  const paused = isSuspended(state.deadline);
  const decree = decreeAppointment(state.deadline, calendar);
  const terminalAt = state.decidedAt ?? state.endedAt;
  const e766 = evaluate766(state.deadline, calendar, terminalAt, now);
  return {
    decree: decree ? { dueDate: decree.dueDate, dueAt: formatInstant(decree.dueAt), paused } : undefined,
    decision766: {
      dueDate: e766.dueDate,
      onTimeSoFar: e766.onTime,
      pausedMs: e766.pausedMs,
      lateReason: e766.lateReason,
    },
    paused,
    pauses: state.deadline.suspensions.map((s) => ({
      from: formatInstant(s.requestedAt),
      to: s.resumedAt === undefined ? undefined : formatInstant(s.resumedAt),
    })),
    rescheduled: Boolean(state.deadline.reschedule),
  };
}
