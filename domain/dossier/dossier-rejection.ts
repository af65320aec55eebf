/** The rejection of a dossier action the rules do not allow now, with its code; it changes nothing. */
import { ActionRejection, type Reject, rejecter } from '../state-machine-kit.js';

export type RejectionCode =
  | 'ILLEGAL_STATE'
  | 'WRONG_AGENCY'
  | 'WRONG_ROLE'
  | 'WRONG_OFFICIAL'
  | 'OUT_OF_ORDER'
  | 'ONCE_ONLY'
  | 'TOO_LATE'
  | 'PAPER_ON_ONLINE'
  /** A report of a state (an event's seq) the dossier has not committed yet. */
  | 'NOT_REACHED'
  | 'INVALID_INPUT';

export class ActionRejected extends ActionRejection<RejectionCode> {
  override name = 'ActionRejected';
}

export const reject: Reject<RejectionCode> = rejecter(ActionRejected);
