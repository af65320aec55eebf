/**
 * The contract names the workflow types the workers register: a renamed workflow function would
 * leave clients starting a type no worker knows.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type DossierWorkflow, dossierWorkflowType } from '../../contract/dossier-contract.js';
import { type FeedbackWorkflow, feedbackWorkflowType } from '../../contract/feedback-contract.js';
import {
  type InterAgencyTaskWorkflow,
  interAgencyWorkflowType,
} from '../../contract/inter-agency-contract.js';
import * as workflows from '../../workflows/all-workflows.js';

describe('contract', () => {
  it('names every workflow type the workers register, and only those', () => {
    expect(Object.keys(workflows).sort()).toEqual(
      [dossierWorkflowType, feedbackWorkflowType, interAgencyWorkflowType].sort(),
    );
  });

  it('gives the signatures the workflow functions have', () => {
    expectTypeOf(workflows.dossierWorkflow).toEqualTypeOf<DossierWorkflow>();
    expectTypeOf(workflows.feedbackWorkflow).toEqualTypeOf<FeedbackWorkflow>();
    expectTypeOf(workflows.interAgencyTaskWorkflow).toEqualTypeOf<InterAgencyTaskWorkflow>();
  });
});
