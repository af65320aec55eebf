import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';
import type { DossierApplication } from '../domain/application.js';
import { INITIAL_STATUS } from '../domain/dossier/dossier-state.js';

/** Custom search attributes that let supervisors list dossiers with visibility queries. */
export const searchAttributes = {
  receivingUnit: defineSearchAttributeKey('DossierReceivingUnit', SearchAttributeType.KEYWORD),
  competentAgency: defineSearchAttributeKey('DossierCompetentAgency', SearchAttributeType.KEYWORD),
  procedure: defineSearchAttributeKey('DossierProcedure', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('DossierStatus', SearchAttributeType.KEYWORD),
  dueAt: defineSearchAttributeKey('DossierDueAt', SearchAttributeType.DATETIME),
  overdue: defineSearchAttributeKey('DossierOverdue', SearchAttributeType.BOOL),
  channel: defineSearchAttributeKey('DossierChannel', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);

export type DossierSearchAttributeKey = (typeof allSearchAttributeKeys)[number];

/**
 * What a new dossier's workflow is started with: the values its first upsert would write (no due
 * date yet). The server indexes them with the start, so a dossier is listed by unit and status as
 * soon as it is received, before a worker takes its first task, which then upserts none of them.
 */
export function startSearchAttributes(
  application: Pick<DossierApplication, 'receivingUnit' | 'competentAgency' | 'procedureCode' | 'channel'>,
): SearchAttributePair[] {
  return [
    { key: searchAttributes.receivingUnit, value: application.receivingUnit },
    { key: searchAttributes.competentAgency, value: application.competentAgency },
    { key: searchAttributes.procedure, value: application.procedureCode },
    { key: searchAttributes.channel, value: application.channel },
    { key: searchAttributes.status, value: INITIAL_STATUS },
    { key: searchAttributes.overdue, value: false },
  ];
}
