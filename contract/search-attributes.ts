import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
