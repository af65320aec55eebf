/**
 * The answer for a dossier whose personal data was erased (retention/): its view can no longer be
 * decoded, so the routes that read it answer 410 Gone with a Vietnamese message and, where the
 * indicator read model still holds them, the dossier's non-personal facts (procedure, units,
 * status, dates). An official sees them only if the dossier is in their scope.
 */
import type { z } from 'zod';
import { DossierErasedError } from '../client/client-errors.js';
import type { DossierView } from '../contract/dossier-contract.js';
import { statusNames } from '../domain/dossier/dossier-status.js';
import type { DossierFacts } from '../events/dossier-event-schema.js';
import { getProcedure } from '../rules/catalogue-loader.js';
import type { Official } from './auth.js';
import { enforce, mayReadDossier } from './authorization.js';
import type { ApiContext } from './context.js';
import { GoneError } from './http-errors.js';
import type { erasedDossierFactsSchema } from './schemas.js';

export type ErasedDossierFacts = z.output<typeof erasedDossierFactsSchema>;

/** The facts the indicators keep of a dossier; undefined without a read model or a record. */
export async function erasedDossierFacts(
  ctx: Pick<ApiContext, 'indicators'>,
  code: string,
): Promise<ErasedDossierFacts | undefined> {
  const facts = await ctx.indicators?.dossierFacts(code).catch(() => undefined);
  return facts ? factsOf(code, facts) : undefined;
}

function factsOf(code: string, facts: DossierFacts): ErasedDossierFacts {
  return {
    code,
    procedure: { code: facts.procedureCode, name: procedureName(facts) },
    status: facts.status,
    statusName: (statusNames as Readonly<Record<string, string>>)[facts.status] ?? facts.status,
    receivingUnit: facts.receivingUnit,
    competentAgency: facts.competentAgency,
    submittedAt: facts.submittedAt,
    endedAt: facts.endedAt,
    returnedAt: facts.returnedAt,
  };
}

function procedureName(facts: DossierFacts): string | undefined {
  try {
    return getProcedure(facts.procedureCode, facts.submittedAt.slice(0, 10)).name;
  } catch {
    return undefined;
  }
}

/**
 * The dossier's view for an official; an erased dossier is a 410 with its facts, once the official
 * is found to be allowed to read it (a 403 otherwise, as for a dossier that is not erased).
 */
export async function viewOrGone(ctx: ApiContext, official: Official, code: string): Promise<DossierView> {
  try {
    return await ctx.dossiers.get(code);
  } catch (error) {
    if (!(error instanceof DossierErasedError)) throw error;
    const dossier = await erasedDossierFacts(ctx, code);
    if (dossier) {
      const { receivingUnit, competentAgency } = dossier;
      const scope = { code, receivingUnit, competentAgency, participatingAgencies: [] };
      enforce(mayReadDossier(official, scope, ctx.organisation));
    }
    throw new GoneError(error.message, dossier ? { dossier } : {});
  }
}
