/**
 * One participating agency's part of a liên thông dossier (ND 61 Art 19(6)–(7)): runs on that
 * agency's task queue and waits for its opinion, with its share of the deadline. It keeps the
 * dossier search attributes the participating agency's staff find it by (GET /v1/inter-agency-tasks):
 * DossierCompetentAgency is the agency asked, DossierReceivingUnit the lead agency that asked.
 */
import {
  ApplicationFailure,
  condition,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  completeInterAgencyUpdate,
  type InterAgencyResult,
  type InterAgencyTaskInput,
  interAgencyQuery,
} from '../contract/inter-agency-contract.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { actorSchema } from '../domain/actor.js';

/** Added while liên thông steps were running: patched() keeps their histories replayable. */
export const interAgencyPatches = { searchAttributes: 'inter-agency-search-attributes' } as const;

export async function interAgencyTaskWorkflow(input: InterAgencyTaskInput): Promise<InterAgencyResult> {
  let result: InterAgencyResult | undefined;
  if (patched(interAgencyPatches.searchAttributes)) {
    upsertSearchAttributes([
      { key: searchAttributes.competentAgency, value: input.agency },
      { key: searchAttributes.receivingUnit, value: input.leadAgency },
    ]);
  }
  setHandler(interAgencyQuery, () => ({ ...input, completed: result !== undefined }));
  setHandler(
    completeInterAgencyUpdate,
    ({ actor, opinion }) => {
      result = { agency: input.agency, opinion, actor, completedAt: Date.now() };
      return result;
    },
    {
      validator: ({ actor, opinion }) => {
        const parsed = actorSchema.safeParse(actor);
        if (!parsed.success) throw ApplicationFailure.nonRetryable('Invalid actor', 'INVALID_INPUT');
        if (!opinion?.trim())
          throw ApplicationFailure.nonRetryable('Ý kiến liên thông không được để trống', 'INVALID_INPUT');
        if (actor.unit !== input.agency || (actor.role !== 'specialist' && actor.role !== 'leader')) {
          throw ApplicationFailure.nonRetryable(
            `Chỉ cán bộ của ${input.agency} cho ý kiến liên thông`,
            'WRONG_AGENCY',
          );
        }
        if (result) throw ApplicationFailure.nonRetryable('Đã cho ý kiến liên thông', 'ONCE_ONLY');
      },
    },
  );
  await condition(() => result !== undefined);
  return result as InterAgencyResult;
}
