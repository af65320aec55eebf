/** What crosses the Temporal boundary for one participating agency's liên thông step. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actor.js';

/** The workflow type (the name of the workflow function the workers register). */
export const interAgencyWorkflowType = 'interAgencyTaskWorkflow';

export interface InterAgencyTaskInput {
  dossierCode: string;
  leadAgency: string;
  agency: string;
  task: string;
  workingDays: number;
  dueDate: string;
}

export interface InterAgencyResult {
  agency: string;
  opinion: string;
  actor: Actor;
  completedAt: number;
}

export type InterAgencyTaskWorkflow = (input: InterAgencyTaskInput) => Promise<InterAgencyResult>;

export const completeInterAgencyUpdate = defineUpdate<InterAgencyResult, [{ actor: Actor; opinion: string }]>(
  'completeInterAgency',
);
export const interAgencyQuery = defineQuery<InterAgencyTaskInput & { completed: boolean }>('interAgencyTask');
