/**
 * Whether an action is allowed now (DOMAIN.md §1.1): `checkAction` throws ActionRejected with the
 * code and the reason, and changes nothing. The Temporal update validator and the handler both run
 * it (the state may move in between).
 */
import type { Actor, Role } from '../actor.js';
import type { WorkingCalendar } from '../calendar.js';
import {
  type DeadlineLedger,
  DeadlineRuleError,
  decreeAppointment,
  receiptDate,
  reschedule,
} from '../deadline.js';
import { requireRole } from '../state-machine-kit.js';
import { formatVietnameseDate, type Instant, toCivilDate } from '../time.js';
import { type ActionName, actionNames, type DossierAction } from './dossier-actions.js';
import { checkCorrection, checkCorrectionAllowed } from './dossier-corrections.js';
import { ActionRejected, type RejectionCode, reject } from './dossier-rejection.js';
import { apologyInTime, type DossierState, pendingInterAgency } from './dossier-state.js';
import { closedStatuses, type DossierStatus, processingStatuses, statusNames } from './dossier-status.js';

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
  requireRole(actor, roles, reject);
}

/**
 * The applicant receives the result themselves only online (ND 224/2026, full online service): an
 * online dossier whose result is electronic only. A paper result is collected at the counter.
 */
function requireOnlineReturn(state: DossierState): void {
  if (state.application.channel !== 'online') {
    reject('WRONG_ROLE', 'Kết quả của hồ sơ nộp trực tiếp được trả tại bộ phận một cửa');
  }
  if (state.result?.paperResult) {
    reject('WRONG_ROLE', 'Kết quả có bản giấy; người nộp nhận tại bộ phận một cửa');
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
  checkPreconditions(state, action.name, action.actor);
  checkPayload(state, action, calendar);
  checkTimeLimits(state, action.name, now, calendar);
}

export type ActionAvailability =
  | { name: ActionName; allowed: true }
  | { name: ActionName; allowed: false; code: RejectionCode; reason: string };

/**
 * Every action, with whether this actor may take it on the dossier now and, where not, the code
 * and the reason: `checkAction` without what the official has yet to fill in.
 */
export function actionAvailability(
  state: DossierState,
  actor: Actor,
  now: Instant,
  calendar: WorkingCalendar,
): ActionAvailability[] {
  return actionNames.map((name) => {
    try {
      checkPreconditions(state, name, actor);
      const implied = impliedPayloads[name]?.(actor);
      if (implied) checkPayload(state, { name, actor, payload: implied } as DossierAction, calendar);
      checkTimeLimits(state, name, now, calendar);
      return { name, allowed: true };
    } catch (error) {
      if (!(error instanceof ActionRejected)) throw error;
      return { name, allowed: false, code: error.code, reason: error.message };
    }
  });
}

/** Payloads that follow from who acts: a participating agency gives its own opinion. */
const impliedPayloads: Partial<Record<ActionName, (actor: Actor) => unknown>> = {
  'complete-inter-agency': (actor) => ({ agency: actor.unit, opinion: '' }),
};

/** The checks of an action that do not depend on its payload. */
function checkPreconditions(state: DossierState, name: ActionName, actor: Actor): void {
  switch (name) {
    case 'provide-intake-supplement':
      requireStatus(state, ['YEU_CAU_BO_SUNG'], 'bổ sung hồ sơ khi tiếp nhận');
      if (state.step !== 'intake')
        reject(
          'ILLEGAL_STATE',
          'Hồ sơ đang chờ bổ sung trong quá trình giải quyết, không phải khi tiếp nhận',
        );
      requireCounterOrApplicant(state, actor);
      return;
    case 'refuse-intake':
      requireStatus(state, ['CHO_TIEP_NHAN', 'YEU_CAU_BO_SUNG'], 'từ chối tiếp nhận');
      if (state.step !== 'intake')
        reject('ILLEGAL_STATE', 'Hồ sơ đã được tiếp nhận; dùng thao tác từ chối giải quyết');
      if (actor.role !== 'counter-officer' || actor.unit !== state.application.receivingUnit) {
        reject('WRONG_ROLE', 'Chỉ cán bộ một cửa của đơn vị tiếp nhận được từ chối tiếp nhận hồ sơ');
      }
      return;
    case 'accept-intake':
    case 'request-intake-supplement':
      requireOnlineInbox(state, name === 'accept-intake' ? 'tiếp nhận' : 'yêu cầu bổ sung khi tiếp nhận');
      if (actor.role !== 'counter-officer' || actor.unit !== state.application.receivingUnit) {
        reject('WRONG_ROLE', 'Chỉ cán bộ một cửa của đơn vị tiếp nhận xử lý hồ sơ trong hộp thư trực tuyến');
      }
      if (name === 'request-intake-supplement' && state.supplements.some((s) => s.phase === 'intake')) {
        reject(
          'ONCE_ONLY',
          'Đã yêu cầu bổ sung khi tiếp nhận: hồ sơ trực tuyến chỉ được hướng dẫn bổ sung một lần, đầy đủ (ND 61 Art 15(3), 17)',
        );
      }
      return;
    case 'request-supplementation':
      if (state.step === 'intake') {
        reject(
          'ONCE_ONLY',
          'Đã yêu cầu bổ sung khi tiếp nhận: phải hướng dẫn một lần, đầy đủ (ND 61 Art 15(3))',
        );
      }
      requireStatus(state, processingStatuses, 'yêu cầu bổ sung');
      requireCompetentStaff(state, actor);
      return;
    case 'provide-supplementation':
      requireStatus(state, ['YEU_CAU_BO_SUNG'], 'bổ sung hồ sơ');
      if (state.step === 'intake')
        reject('ILLEGAL_STATE', 'Hồ sơ đang chờ bổ sung khi tiếp nhận; dùng thao tác bổ sung khi tiếp nhận');
      requireCounterOrApplicant(state, actor);
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
      return;
    case 'complete-inter-agency':
      if (pendingInterAgency(state).length === 0)
        reject('ILLEGAL_STATE', 'Không có yêu cầu liên thông đang chờ ý kiến');
      return;
    case 'approve':
    case 'refuse':
      requireStatus(state, ['DANG_XU_LY'], name === 'approve' ? 'phê duyệt' : 'từ chối giải quyết');
      requireCompetentStaff(state, actor, ['leader']);
      if (!state.appraisal)
        reject('OUT_OF_ORDER', 'Hồ sơ chưa được thẩm định; không thể phê duyệt hay từ chối');
      if (name === 'approve' && state.appraisal.recommendation !== 'approve') {
        reject('OUT_OF_ORDER', 'Kết quả thẩm định đề nghị từ chối; không phê duyệt được');
      }
      return;
    case 'apologize':
      requireStatus(state, processingStatuses, 'xin lỗi và hẹn lại');
      requireCompetentStaff(state, actor, ['leader']);
      if (state.apology)
        reject('ONCE_ONLY', 'Việc hẹn lại ngày trả kết quả chỉ thực hiện một lần (ND 61 Art 19(9))');
      if (!state.deadline) reject('ILLEGAL_STATE', 'Hồ sơ chưa có hạn giải quyết');
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
      if (actor.role === 'applicant') {
        requireOnlineReturn(state);
        return;
      }
      if (actor.role !== 'counter-officer' || actor.unit !== state.application.receivingUnit) {
        reject('WRONG_AGENCY', `Kết quả được trả tại bộ phận một cửa ${state.application.receivingUnit}`);
      }
      return;
    case 'record-payment':
      // An online dossier is paid when it is submitted, while it waits in the online inbox.
      if ((state.step === 'intake' && !state.onlineIntake) || closedStatuses.has(state.status)) {
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
    case 'correct-data':
      checkCorrectionAllowed(state, actor);
      return;
  }
}

/** The checks of what the official filled in, once the action itself is allowed. */
function checkPayload(state: DossierState, action: DossierAction, calendar: WorkingCalendar): void {
  switch (action.name) {
    case 'provide-intake-supplement':
    case 'provide-supplementation':
      requireElectronicIfOnline(state, action.payload.documents);
      return;
    case 'request-intake-supplement':
      if (action.payload.items.some((item) => item.form === 'paper')) {
        reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến không yêu cầu bổ sung giấy tờ bản giấy');
      }
      return;
    case 'record-payment': {
      const ref = action.payload.transactionRef;
      if (ref !== undefined && state.payments.some((p) => p.transactionRef === ref)) {
        reject('ONCE_ONLY', `Giao dịch ${ref} đã được ghi nhận cho hồ sơ này`);
      }
      return;
    }
    case 'request-supplementation':
      if (
        state.application.channel === 'online' &&
        action.payload.items.some((item) => item.form === 'paper')
      ) {
        reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến không yêu cầu bổ sung giấy tờ bản giấy');
      }
      return;
    case 'start-inter-agency':
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
      if (action.actor.unit !== action.payload.agency || !staffRoles.includes(action.actor.role)) {
        reject('WRONG_AGENCY', `Chỉ cán bộ của ${action.payload.agency} cho ý kiến liên thông`);
      }
      return;
    }
    case 'apologize':
      try {
        reschedule(requireDeadline(state), 0, action.payload.newDueDate, 'check', calendar);
      } catch (error) {
        if (error instanceof DeadlineRuleError) reject('INVALID_INPUT', error.message);
        throw error;
      }
      return;
    case 'correct-data':
      checkCorrection(state, action.payload);
      return;
    case 'return-result':
      if (action.actor.role === 'applicant' && action.payload.channel !== 'online') {
        reject('INVALID_INPUT', 'Người nộp chỉ nhận kết quả trực tuyến');
      }
      if (
        action.payload.channel === 'online' &&
        state.application.channel !== 'online' &&
        !state.result?.link
      ) {
        reject('INVALID_INPUT', 'Kết quả không có bản điện tử để trả trực tuyến');
      }
      return;
    default:
      return;
  }
}

/** The dossier waits in the receiving unit's online inbox (submitted online, not yet decided). */
function requireOnlineInbox(state: DossierState, action: string): void {
  if (!state.onlineIntake || state.step !== 'intake') {
    reject('ILLEGAL_STATE', `Chỉ ${action} hồ sơ nộp trực tuyến đang chờ tiếp nhận`);
  }
  requireStatus(state, ['CHO_TIEP_NHAN'], action);
}

/**
 * Working days the receiving unit has to decide on a dossier submitted online: ND 61 Art 19(4)'s
 * three working days for the one notice asking for supplements (DOMAIN.md §1.1 step 3 and 5(4));
 * the law gives no separate figure for the online intake itself (UNCONFIRMED; docs/citizen.md).
 */
export const onlineIntakeWorkingDays = 3;

/** The last day the receiving unit may ask an online dossier for supplements; undefined unless it waits in the inbox. */
export function onlineIntakeDueDate(state: DossierState, calendar: WorkingCalendar): string | undefined {
  if (!state.onlineIntake || state.step !== 'intake') return undefined;
  return calendar.addWorkingDays(receiptDate(state.submittedAt, calendar), onlineIntakeWorkingDays);
}

function requireElectronicIfOnline(
  state: DossierState,
  documents: ReadonlyArray<{ form: 'paper' | 'electronic' }>,
): void {
  if (state.application.channel === 'online' && documents.some((d) => d.form === 'paper')) {
    reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến chỉ nhận thành phần hồ sơ điện tử');
  }
}

function requireDeadline(state: DossierState): DeadlineLedger {
  if (!state.deadline) reject('ILLEGAL_STATE', 'Hồ sơ chưa có hạn giải quyết');
  return state.deadline;
}

/** Time limits, checked last: an action that is late is refused whatever it says. */
function checkTimeLimits(
  state: DossierState,
  name: ActionName,
  now: Instant,
  calendar: WorkingCalendar,
): void {
  if (name === 'request-supplementation') checkSupplementationWindow(state, now, calendar);
  if (name === 'request-intake-supplement') checkOnlineIntakeWindow(state, now, calendar);
  if (name === 'apologize' && !state.legacyLateApology) checkApologyInTime(state, now, calendar);
}

function checkSupplementationWindow(state: DossierState, now: Instant, calendar: WorkingCalendar): void {
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

function checkOnlineIntakeWindow(state: DossierState, now: Instant, calendar: WorkingCalendar): void {
  const due = onlineIntakeDueDate(state, calendar);
  if (due !== undefined && toCivilDate(now) > due) {
    reject(
      'TOO_LATE',
      `Đã quá ${onlineIntakeWorkingDays} ngày làm việc kể từ ngày nộp (hạn ${formatVietnameseDate(due)}); không được yêu cầu bổ sung, chỉ tiếp nhận hoặc từ chối (ND 61 Art 19(4))`,
    );
  }
}

/** ND 61 Art 19(9) as amended: the apology comes at the latest one day before the due date. */
function checkApologyInTime(state: DossierState, now: Instant, calendar: WorkingCalendar): void {
  const due = decreeAppointment(requireDeadline(state), calendar);
  if (due && !apologyInTime(now, due.dueDate)) {
    reject(
      'TOO_LATE',
      `Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi chậm nhất 01 ngày trước ngày hẹn trả ${formatVietnameseDate(due.dueDate)}; hôm nay đã quá thời hạn đó (ND 61 Art 19(9))`,
    );
  }
}
