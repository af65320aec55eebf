/** The rejection of a feedback action the rules do not allow now, with its code; it changes nothing. */
import { ActionRejection, type Reject, rejecter } from '../state-machine-kit.js';

export type FeedbackRejectionCode =
  | 'ILLEGAL_STATE'
  | 'WRONG_AGENCY'
  | 'WRONG_ROLE'
  | 'NOT_SUBMITTER'
  | 'OUT_OF_ORDER'
  | 'NOT_APPLICABLE'
  | 'ONCE_ONLY'
  | 'INVALID_INPUT';

export class FeedbackActionRejected extends ActionRejection<FeedbackRejectionCode> {
  override name = 'FeedbackActionRejected';
}

export const reject: Reject<FeedbackRejectionCode> = rejecter(FeedbackActionRejected);
