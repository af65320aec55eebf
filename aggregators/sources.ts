/**
 * The kinds of events the indicator aggregator consumes. Each source says how to parse an event,
 * where its entity's last facts live, and how a change of facts moves the counters.
 */

import { type DossierFacts, dossierEventSchema } from '../events/dossier-event-schema.js';
import { type FeedbackFacts, feedbackEventSchema } from '../events/feedback-event-schema.js';
import { dossierSubjectRoot, feedbackSubjectRoot, isSubjectUnder } from '../events/subjects.js';
import {
  affectedPeriods,
  dossierCounts,
  type PreparedDossierFacts,
  prepareDossierFacts,
  preparedCounts,
} from '../indicators/dossier-counters.js';
import { affectedFeedbackPeriods, feedbackContribution } from '../indicators/feedback-counters.js';
import type { PeriodId, PeriodKind } from '../indicators/periods.js';
import {
  addCounts,
  type Counts,
  counterKey,
  dossierKey,
  feedbackCounterKey,
  feedbackKey,
  isZero,
  sparse,
  subtractCounts,
} from './indicator-store.js';

export interface ParsedEvent {
  id: string;
  seq: number;
  facts: unknown;
}

export interface EventSource {
  subjectRoot: string;
  parse(json: unknown): { event: ParsedEvent } | { error: string };
  recordKey(id: string): string;
  /** For each counter key, old facts' contribution subtracted from the new facts'. */
  changes(before: unknown, after: unknown, kinds: readonly PeriodKind[]): Map<string, Counts>;
  /**
   * Why facts that passed the schema still cannot be counted (a period before 1970), or
   * undefined: after it, `prepare` does not throw.
   */
  check(facts: unknown): string | undefined;
  /** The facts with what every period shares worked out once. */
  prepare(facts: unknown, kinds: readonly PeriodKind[]): unknown;
  /** What prepared facts contribute, per counter key (partition-less), non-zero counts only. */
  contributions(prepared: unknown): Map<string, Counts>;
}

function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
}

function changesOf<F>(
  before: F | undefined,
  after: F,
  periods: (facts: F) => PeriodId[],
  key: (facts: F, period: PeriodId) => string,
  contribution: (facts: F, period: PeriodId) => Counts,
): Map<string, Counts> {
  const changes = new Map<string, Counts>();
  const move = (facts: F | undefined, period: PeriodId, combine: typeof addCounts) => {
    if (facts === undefined) return;
    const k = key(facts, period);
    changes.set(k, combine(changes.get(k) ?? {}, contribution(facts, period)));
  };
  const all = new Set([...(before === undefined ? [] : periods(before)), ...periods(after)]);
  for (const period of all) {
    move(before, period, subtractCounts);
    move(after, period, addCounts);
  }
  for (const [k, delta] of changes) if (isZero(delta)) changes.delete(k);
  return changes;
}

export const dossierSource: EventSource = {
  subjectRoot: dossierSubjectRoot,
  parse(json) {
    const result = dossierEventSchema.safeParse(json);
    if (!result.success) return { error: describe(result.error.issues) };
    const { dossierCode, seq, facts } = result.data;
    return { event: { id: dossierCode, seq, facts } };
  },
  recordKey: dossierKey,
  changes: (before, after, kinds) =>
    changesOf<DossierFacts>(
      before as DossierFacts | undefined,
      after as DossierFacts,
      (facts) => affectedPeriods(facts, kinds),
      (facts, period) => counterKey(facts.competentAgency, period),
      (facts, period) => dossierCounts(facts, period),
    ),
  check: (facts) => {
    const { submittedAt, acceptedAt, decidedAt, returnedAt, endedAt } = facts as DossierFacts;
    return countable([submittedAt, acceptedAt, decidedAt, returnedAt, endedAt]);
  },
  prepare: (facts, kinds) => prepareDossierFacts(facts as DossierFacts, kinds),
  contributions(prepared) {
    const facts = prepared as PreparedDossierFacts;
    const result = new Map<string, Counts>();
    for (const period of facts.periods) {
      const counts = preparedCounts(facts, period);
      for (const _ in counts) {
        result.set(counterKey(facts.facts.competentAgency, period), counts);
        break;
      }
    }
    return result;
  },
};

export const feedbackSource: EventSource = {
  subjectRoot: feedbackSubjectRoot,
  parse(json) {
    const result = feedbackEventSchema.safeParse(json);
    if (!result.success) return { error: describe(result.error.issues) };
    const { feedbackId, seq, facts } = result.data;
    return { event: { id: feedbackId, seq, facts } };
  },
  recordKey: feedbackKey,
  changes: (before, after, kinds) =>
    changesOf<FeedbackFacts>(
      before as FeedbackFacts | undefined,
      after as FeedbackFacts,
      (facts) => affectedFeedbackPeriods(facts, kinds),
      (facts, period) => feedbackCounterKey(facts.handlingUnit, period),
      feedbackContribution,
    ),
  check: (facts) => {
    const { submittedAt, answeredAt, rejectedAt } = facts as FeedbackFacts;
    return countable([submittedAt, answeredAt, rejectedAt]);
  },
  prepare: (facts, kinds) => ({
    facts: facts as FeedbackFacts,
    periods: affectedFeedbackPeriods(facts as FeedbackFacts, kinds),
  }),
  contributions(prepared) {
    const { facts, periods } = prepared as { facts: FeedbackFacts; periods: PeriodId[] };
    const result = new Map<string, Counts>();
    for (const period of periods) {
      const counts = sparse(feedbackContribution(facts, period));
      if (!isZero(counts)) result.set(feedbackCounterKey(facts.handlingUnit, period), counts);
    }
    return result;
  },
};

export const eventSources: readonly EventSource[] = [dossierSource, feedbackSource];

/** Reporting periods start in 1970 (indicators/periods.ts): an instant before cannot be counted. */
function countable(instants: ReadonlyArray<string | undefined>): string | undefined {
  const early = instants.find((text) => text !== undefined && text < '1970');
  return early === undefined ? undefined : `${early} is before 1970, the first reporting period`;
}

export function sourceFor(subject: string): EventSource | undefined {
  return eventSources.find((source) => isSubjectUnder(source.subjectRoot, subject));
}
