/**
 * What crosses the Temporal boundary for a feedback (phản ánh, kiến nghị): the workflow type and id,
 * its input and result, the updates, the query and the follow-up signal.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actor.js';
import type { FeedbackActionName } from '../domain/feedback/feedback-actions.js';
import type { FeedbackLimitRules } from '../domain/feedback/feedback-limits.js';
import type { Feedback } from '../domain/feedback/feedback-schema.js';
import type { FeedbackState } from '../domain/feedback/feedback-state.js';
import type { LimitView, Satisfaction } from '../domain/feedback/feedback-views.js';

/** The workflow type (the name of the workflow function the workers register). */
export const feedbackWorkflowType = 'feedbackWorkflow';

export interface FeedbackOptions {
  /** Overrides of the operational limits (working days); the version names the rule set. */
  limits: Partial<FeedbackLimitRules>;
  /** Calendar days after publication during which ratings, reactions and follow-ups are recorded. */
  followUpWindowDays: number;
}

export const defaultFeedbackOptions: FeedbackOptions = { limits: {}, followUpWindowDays: 30 };

/** The workflow's input; the workflow id is `id`. */
export interface FeedbackWorkflowInput {
  /** `PAKN-<receiving unit>-YYMMDD-XXXX`, also the workflow id. */
  id: string;
  feedback: Feedback;
  options?: Partial<FeedbackOptions>;
}

export interface FeedbackActionRequest {
  name: FeedbackActionName;
  actor: Actor;
  payload: unknown;
}

export interface FeedbackActionResult {
  id: string;
  status: string;
  statusName: string;
  handlingUnit: string;
  limits: LimitView[];
}

export interface FeedbackReceipt extends FeedbackActionResult {
  /** ND 20 Art 7 contact details the submitter did not give: a ground for not accepting. */
  missingContactDetails: string[];
}

export interface FeedbackView {
  state: FeedbackState;
  statusName: string;
  limits: LimitView[];
  onTime: boolean;
  satisfaction: Satisfaction;
  /** Names of the units the feedback went through, by code. */
  units: Record<string, string>;
  /** The earlier feedback this one follows up, and whether that one recorded it. */
  followsUp?: { feedbackId: string; linked: boolean };
  eventSeq: number;
  ended: boolean;
}

export interface FollowUpSignal {
  feedbackId: string;
}

/** The workflow function's signature, for typed starts by type name. */
export type FeedbackWorkflow = (input: FeedbackWorkflowInput) => Promise<FeedbackView>;

export const feedbackReceivedUpdate = defineUpdate<FeedbackReceipt>('feedbackReceived');
export const feedbackActUpdate = defineUpdate<FeedbackActionResult, [FeedbackActionRequest]>('act');
export const feedbackQuery = defineQuery<FeedbackView>('feedback');
export const followUpSignal = defineSignal<[FollowUpSignal]>('feedbackFollowUp');
