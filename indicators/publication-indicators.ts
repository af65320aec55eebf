/**
 * Decision 766 indicators 1.1–1.3 from the publication records (DOMAIN.md §2.3 group 1), for the
 * decisions of the issuers in a unit's subtree:
 * - 1.1 procedures published (QĐCB dated in the period) on time ÷ procedures published in the
 *   period; on time ⇔ QĐCB date ≤ newest legal-basis effective date − 20 (ministry) or 5
 *   (province, QĐCB đặc thù) working days; a procedure in several QĐCBs counts once, late if any
 *   one of them was late;
 * - 1.2 procedures made public on CSDLQG on time ÷ procedures whose disclosure fell due in the
 *   period (QĐCB date + 10 / 5 / 2 working days); one not yet public counts as within time until
 *   its deadline has passed (judged on `today`); counted once, late if any one was late;
 * - 1.3 (a snapshot on `today`) procedures published on CSDLQG stating all seven parts of ND
 *   63/2010 Art 8(2) ÷ procedures published on CSDLQG; an abolished procedure, or one replaced by
 *   a newer disclosure, is no longer published.
 * Working days are the issuer's calendar.
 */
import type { WorkingCalendar } from '../domain/calendar.js';
import {
  disclosureDeadline,
  judgedForTimelyPublication,
  newestEffectiveDate,
  publicationDeadline,
} from '../domain/publication-deadlines.js';
import type {
  Disclosure,
  Issuer,
  PublicationDecision,
  PublicationRecords,
  PublishedProcedure,
} from '../domain/publication-records.js';
import { PUBLISHED_PARTS, type PublishedPart } from '../domain/published-parts.js';
import type { CivilDate } from '../domain/time.js';

export interface PublicationIndicatorInput {
  records: PublicationRecords;
  /** The issuers whose decisions count: those in the unit's subtree. */
  issuers: ReadonlySet<string>;
  period: { firstDay: CivilDate; lastDay: CivilDate };
  today: CivilDate;
  calendarOf: (unit: string) => WorkingCalendar;
}

/** One procedure of one decision, judged against its deadline. */
export interface PairJudgement {
  procedure: string;
  decision: string;
  deadline: CivilDate;
  onTime: boolean;
}

export interface ProcedureJudgement {
  procedure: string;
  onTime: boolean;
  /** Every decision it was judged in, late ones included. */
  judgements: PairJudgement[];
}

export interface DisclosedProcedure {
  procedure: string;
  decision: string;
  disclosedOn: CivilDate;
  missingParts: PublishedPart[];
}

export interface PublicationIndicators {
  published: number;
  publishedOnTime: number;
  dueForDisclosure: number;
  disclosedOnTime: number;
  disclosed: number;
  disclosedComplete: number;
  /** What the counts are made of, for the officials who must explain them. */
  behind: {
    '1.1': ProcedureJudgement[];
    '1.2': ProcedureJudgement[];
    '1.3': DisclosedProcedure[];
  };
}

interface DecisionInScope {
  decision: PublicationDecision;
  issuer: Issuer;
  calendar: WorkingCalendar;
}

function decisionsInScope(input: PublicationIndicatorInput): DecisionInScope[] {
  const issuers = new Map(input.records.issuers.map((issuer) => [issuer.unit, issuer]));
  return input.records.decisions.flatMap((decision) => {
    const issuer = issuers.get(decision.issuer);
    if (!issuer || !input.issuers.has(issuer.unit)) return [];
    return [{ decision, issuer, calendar: input.calendarOf(issuer.unit) }];
  });
}

const inPeriod = (date: CivilDate, period: PublicationIndicatorInput['period']) =>
  date >= period.firstDay && date <= period.lastDay;

/** "A TTHC in several QĐCBs counts once; if any one publication was late, the whole period is late." */
export function perProcedure(judgements: readonly PairJudgement[]): ProcedureJudgement[] {
  const byProcedure = new Map<string, PairJudgement[]>();
  for (const judgement of judgements) {
    byProcedure.set(judgement.procedure, [...(byProcedure.get(judgement.procedure) ?? []), judgement]);
  }
  return [...byProcedure]
    .map(([procedure, list]) => ({ procedure, onTime: list.every((j) => j.onTime), judgements: list }))
    .sort((a, b) => a.procedure.localeCompare(b.procedure));
}

/** 1.1: each procedure of the judged decisions dated in the period. */
export function timelyPublication(input: PublicationIndicatorInput): ProcedureJudgement[] {
  const documents = new Map(input.records.legalDocuments.map((document) => [document.number, document]));
  const judgements = decisionsInScope(input)
    .filter(
      ({ decision, issuer }) =>
        inPeriod(decision.issuedOn, input.period) && judgedForTimelyPublication(issuer.level, decision),
    )
    .flatMap(({ decision, issuer, calendar }) =>
      decision.procedures.flatMap((entry): PairJudgement[] => {
        const effectiveFrom = newestEffectiveDate(entry, documents);
        if (effectiveFrom === undefined) return [];
        const deadline = publicationDeadline(effectiveFrom, issuer.level, calendar);
        return [
          {
            procedure: entry.code,
            decision: decision.number,
            deadline,
            onTime: decision.issuedOn <= deadline,
          },
        ];
      }),
    );
  return perProcedure(judgements);
}

/** 1.2: each procedure of the decisions whose disclosure deadline falls in the period. */
export function timelyDisclosure(input: PublicationIndicatorInput): ProcedureJudgement[] {
  const documents = new Map(input.records.legalDocuments.map((document) => [document.number, document]));
  const disclosures = new Map(input.records.disclosures.map((d) => [`${d.procedure} ${d.decision}`, d]));
  const judgements = decisionsInScope(input).flatMap(({ decision, issuer, calendar }) =>
    decision.procedures.flatMap((entry): PairJudgement[] => {
      const deadline = disclosureDeadline(decision, entry, issuer.level, documents, calendar);
      if (!inPeriod(deadline, input.period)) return [];
      const disclosure = disclosures.get(`${entry.code} ${decision.number}`);
      const onTime = disclosure ? disclosure.disclosedOn <= deadline : deadline >= input.today;
      return [{ procedure: entry.code, decision: decision.number, deadline, onTime }];
    }),
  );
  return perProcedure(judgements);
}

interface DisclosedChange {
  disclosure: Disclosure;
  decision: PublicationDecision;
  entry: PublishedProcedure;
}

const later = (a: DisclosedChange, b: DisclosedChange) =>
  a.disclosure.disclosedOn.localeCompare(b.disclosure.disclosedOn) ||
  a.decision.issuedOn.localeCompare(b.decision.issuedOn);

/** 1.3: the procedures published on CSDLQG on `today`, with the parts their entry lacks. */
export function completeDisclosure(input: PublicationIndicatorInput): DisclosedProcedure[] {
  const decisions = new Map(
    decisionsInScope(input)
      .filter(({ decision }) => decision.issuedOn <= input.today)
      .map(({ decision }) => [decision.number, decision]),
  );
  const latest = new Map<string, DisclosedChange>();
  for (const disclosure of input.records.disclosures) {
    const decision = decisions.get(disclosure.decision);
    const entry = decision?.procedures.find((e) => e.code === disclosure.procedure);
    if (!decision || !entry || disclosure.disclosedOn > input.today) continue;
    const change = { disclosure, decision, entry };
    const known = latest.get(disclosure.procedure);
    if (!known || later(change, known) > 0) latest.set(disclosure.procedure, change);
  }
  return [...latest.values()]
    .filter((change) => change.entry.change !== 'abolished' && !replacedLater(change, latest))
    .map(({ disclosure }) => ({
      procedure: disclosure.procedure,
      decision: disclosure.decision,
      disclosedOn: disclosure.disclosedOn,
      missingParts: PUBLISHED_PARTS.filter((part) => !disclosure.publishedParts.includes(part)),
    }))
    .sort((a, b) => a.procedure.localeCompare(b.procedure));
}

/** A procedure another one replaced, by a disclosure made after its own latest one. */
function replacedLater(change: DisclosedChange, latest: ReadonlyMap<string, DisclosedChange>): boolean {
  return [...latest.values()].some(
    (other) => other.entry.replaces === change.entry.code && later(other, change) > 0,
  );
}

/** The counts behind 1.1–1.3 for a unit and period, with what they are made of. */
export function publicationIndicators(input: PublicationIndicatorInput): PublicationIndicators {
  const published = timelyPublication(input);
  const disclosure = timelyDisclosure(input);
  const disclosed = completeDisclosure(input);
  const onTime = (list: ProcedureJudgement[]) => list.filter((p) => p.onTime).length;
  return {
    published: published.length,
    publishedOnTime: onTime(published),
    dueForDisclosure: disclosure.length,
    disclosedOnTime: onTime(disclosure),
    disclosed: disclosed.length,
    disclosedComplete: disclosed.filter((p) => p.missingParts.length === 0).length,
    behind: { '1.1': published, '1.2': disclosure, '1.3': disclosed },
  };
}
