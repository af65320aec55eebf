/** Whether a feedback action is allowed now: `checkAction` throws FeedbackActionRejected and changes nothing. */
import type { Actor, Role } from '../actor.js';
import { requireRole } from '../state-machine-kit.js';
import type { Instant } from '../time.js';
import type { FeedbackAction } from './feedback-actions.js';
import { reject } from './feedback-rejection.js';
import { type FeedbackState, openSupplement } from './feedback-state.js';
import {
  answeredStatuses,
  type FeedbackStatus,
  feedbackStatusNames,
  unclassifiedStatuses,
} from './feedback-status.js';
import { submitterId } from './feedback-submission.js';

const intakeRoles: readonly Role[] = ['counter-officer', 'specialist', 'leader'];
const processingRoles: readonly Role[] = ['specialist', 'leader'];
const answerRoles: readonly Role[] = ['leader'];

function requireStatus(state: FeedbackState, allowed: readonly FeedbackStatus[], action: string): void {
  if (state.endedAt !== undefined || !allowed.includes(state.status)) {
    reject(
      'ILLEGAL_STATE',
      `Không thể thực hiện "${action}" khi phản ánh, kiến nghị ở trạng thái "${feedbackStatusNames[state.status]}"${state.endedAt !== undefined ? ' (đã kết thúc)' : ''}`,
    );
  }
}

function requireOfficial(state: FeedbackState, actor: Actor, roles: readonly Role[]): void {
  if (actor.unit !== state.handlingUnit) {
    reject(
      'WRONG_AGENCY',
      `Phản ánh, kiến nghị đang do ${state.handlingUnit} xử lý; cán bộ của ${actor.unit} không thực hiện được thao tác này`,
    );
  }
  requireRole(actor, roles, reject);
}

function requireSubmitter(state: FeedbackState, actor: Actor): void {
  if (actor.role !== 'applicant') {
    reject('WRONG_ROLE', `Thao tác này do người gửi phản ánh, kiến nghị thực hiện, không phải ${actor.role}`);
  }
  if (actor.id !== submitterId(state.feedback)) {
    reject('NOT_SUBMITTER', 'Chỉ người gửi phản ánh, kiến nghị mới thực hiện được thao tác này');
  }
}

/** Throws FeedbackActionRejected when the action is not allowed now; changes nothing. */
export function checkAction(state: FeedbackState, action: FeedbackAction, _now: Instant): void {
  const { actor } = action;
  switch (action.name) {
    case 'accept':
    case 'reject':
      requireStatus(
        state,
        unclassifiedStatuses,
        action.name === 'accept' ? 'tiếp nhận' : 'từ chối tiếp nhận',
      );
      requireOfficial(state, actor, intakeRoles);
      return;
    case 'forward':
      requireStatus(state, unclassifiedStatuses, 'chuyển xử lý');
      requireOfficial(state, actor, intakeRoles);
      if (action.payload.to === state.handlingUnit) {
        reject(
          'INVALID_INPUT',
          `Phản ánh, kiến nghị đang ở ${state.handlingUnit}; không chuyển cho chính đơn vị này`,
        );
      }
      return;
    case 'assign':
      requireStatus(state, [...unclassifiedStatuses, 'DANG_XU_LY'], 'phân công xử lý');
      requireOfficial(state, actor, answerRoles);
      return;
    case 'request-supplement':
      requireStatus(state, [...unclassifiedStatuses, 'DANG_XU_LY'], 'yêu cầu bổ sung');
      requireOfficial(state, actor, intakeRoles);
      if (openSupplement(state)) {
        reject('OUT_OF_ORDER', 'Đang chờ người gửi bổ sung theo yêu cầu trước; chưa yêu cầu thêm');
      }
      return;
    case 'provide-supplement':
      requireStatus(state, [...unclassifiedStatuses, 'DANG_XU_LY'], 'bổ sung thông tin');
      requireSubmitter(state, actor);
      if (!openSupplement(state)) reject('OUT_OF_ORDER', 'Không có yêu cầu bổ sung nào đang chờ');
      return;
    case 'assess':
      requireStatus(state, ['DANG_XU_LY'], 'đánh giá quy định');
      requireOfficial(state, actor, processingRoles);
      if (state.topic !== 'quy-dinh') {
        reject(
          'NOT_APPLICABLE',
          'Phản ánh về hành vi được xử lý theo quy định pháp luật; không đánh giá theo 6 tiêu chí (ND 20 Art 14)',
        );
      }
      return;
    case 'answer':
      requireStatus(state, ['DANG_XU_LY'], 'trả lời');
      requireOfficial(state, actor, answerRoles);
      if (state.topic === 'quy-dinh' && !state.assessment) {
        reject('OUT_OF_ORDER', 'Phải đánh giá quy định theo 6 tiêu chí trước khi trả lời (ND 20 Art 14(c))');
      }
      return;
    case 'publish':
      requireStatus(state, ['CHO_CONG_KHAI'], 'công khai kết quả');
      requireOfficial(state, actor, processingRoles);
      return;
    case 'rate':
      requireStatus(state, answeredStatuses, 'đánh giá mức độ hài lòng');
      requireSubmitter(state, actor);
      if (state.rating) reject('ONCE_ONLY', 'Người gửi đã đánh giá kết quả xử lý; chỉ đánh giá một lần');
      return;
    case 'react':
      requireStatus(state, ['DA_CONG_KHAI'], 'bày tỏ thích / không thích');
      if (actor.role !== 'applicant') {
        reject('WRONG_ROLE', 'Chỉ người dân, doanh nghiệp bày tỏ thích / không thích kết quả đã công khai');
      }
      if (state.reactions[actor.id] === action.payload.like) {
        reject('ONCE_ONLY', `Người này đã bày tỏ ${action.payload.like ? 'thích' : 'không thích'}`);
      }
      return;
  }
}
