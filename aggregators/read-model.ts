/**
 * The read side of the indicators, for the client, the API and the CLI: a unit's scoreboard for a
 * period (its whole subtree rolled up), the ranking of sibling units, and the dossiers behind a
 * number.
 */
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { isPublishedComplete } from '../domain/published-parts.js';
import { toCivilDate } from '../domain/time.js';
import type { DossierFacts } from '../events/dossier-event-schema.js';
import type { FeedbackFacts } from '../events/feedback-event-schema.js';
import {
  type CounterField,
  type DossierCounters,
  dossierContribution,
  emptyCounters,
  tt01Tally,
} from '../indicators/dossier-counters.js';
import { emptyFeedbackCounters, type FeedbackCounterValues } from '../indicators/feedback-counters.js';
import { parsePeriod, periodBounds } from '../indicators/periods.js';
import { type PublicationIndicators, publicationIndicators } from '../indicators/publication-indicators.js';
import {
  type CatalogueStats,
  defaultIndicatorConfig,
  type IndicatorConfig,
  rank,
  type Scoreboard,
  scoreboard,
} from '../indicators/scoring.js';
import { agencyAssessment, type Tt01AgencyAssessment } from '../indicators/tt01.js';
import type { PublicationSource } from '../publications/publication-store.js';
import { loadAgencyCalendar } from '../rules/calendar-loader.js';
import {
  activeBucketIn,
  addCounts,
  type CounterRecord,
  type Counts,
  counterKey,
  dossierKey,
  type EntityRecord,
  feedbackCounterKey,
  openIndicatorBucket,
  openMetaBucket,
  readJson,
  readLayout,
} from './indicator-store.js';
import { keysOfCounter } from './partitions.js';

/** Counter fields behind each dossier-level indicator: numerator ⊆ denominator. */
export const indicatorFields: Record<string, { numerator: CounterField; denominator: CounterField }> = {
  '1.4': { numerator: 'synced', denominator: 'accepted' },
  '2.1': { numerator: 'progressOnTime', denominator: 'progressTotal' },
  '3.3': { numerator: 'acceptedOnline', denominator: 'accepted' },
  '3.TT': { numerator: 'toanTrinhOnline', denominator: 'toanTrinhBase' },
  '3.6': { numerator: 'paidOnline', denominator: 'feeBearing' },
  '4.1': { numerator: 'eResult', denominator: 'paperResultRequired' },
  '4.2': { numerator: 'digitized', denominator: 'accepted' },
  '4.3': { numerator: 'reusedData', denominator: 'accepted' },
  '4.4': { numerator: 'fromDataStore', denominator: 'accepted' },
  '4.5b': { numerator: 'populationData', denominator: 'accepted' },
};

export interface UnitScoreboard {
  unit: { code: string; name: string };
  period: string;
  /** Units whose dossiers are included: the unit and its whole subtree. */
  unitsIncluded: number;
  counters: DossierCounters;
  /** Feedback (PAKN) counters behind indicators 5.1–5.3. */
  feedback: FeedbackCounterValues;
  scoreboard: Scoreboard;
  /** TT 01/2018 Art 15: the nine-indicator assessment from the applicants' evaluations. */
  tt01: Tt01AgencyAssessment;
}

export interface DossiersBehind {
  indicator: string;
  /** Dossiers counted in the numerator (e.g. on time). */
  numerator: string[];
  /** Dossiers counted in the denominator but not the numerator (e.g. late). */
  rest: string[];
}

export interface ReadModelOptions {
  /** The publication records behind 1.1–1.3 (publications/publication-store.ts). */
  publications?: PublicationSource;
  /** "Today" of the 1.2 judgement and the 1.3 snapshot (default Date.now). */
  clock?: () => number;
}

export class IndicatorReadModel {
  constructor(
    private readonly nc: NatsConnection,
    private readonly organisation: OrganisationRegistry,
    private readonly catalogue: readonly Procedure[],
    private readonly config: IndicatorConfig = defaultIndicatorConfig,
    private readonly metaBucket?: string,
    private readonly options: ReadModelOptions = {},
  ) {}

  async scoreboard(unitCode: string, period: string): Promise<UnitScoreboard> {
    parsePeriod(period);
    const unit = this.organisation.get(unitCode);
    const subtree = this.subtree(unitCode);
    const counters = await this.sumOver(subtree, (code) => counterKey(code, period), emptyCounters());
    const feedback = await this.sumOver(
      subtree,
      (code) => feedbackCounterKey(code, period),
      emptyFeedbackCounters(),
    );
    const catalogueStats = {
      ...this.catalogueStats(subtree),
      ...(await this.publicationStats(unitCode, period)),
    };
    return {
      unit: { code: unit.code, name: unit.name },
      period,
      unitsIncluded: subtree.length,
      counters,
      feedback,
      scoreboard: scoreboard(counters, catalogueStats, feedback, this.config),
      tt01: agencyAssessment(tt01Tally(counters)),
    };
  }

  /** The dossier counters of a unit and its subtree for a period, without the scoreboard. */
  async dossierCounters(unitCode: string, period: string): Promise<DossierCounters> {
    parsePeriod(period);
    return this.sumOver(this.subtree(unitCode), (code) => counterKey(code, period), emptyCounters());
  }

  private async sumOver<C extends Counts>(
    subtree: readonly string[],
    key: (code: string) => string,
    empty: C,
  ): Promise<C> {
    const { kv, partitions } = await this.bucketAndLayout();
    // A unit's counters are spread over the bucket's partitions (one key each): sum them too.
    const keys = subtree.flatMap((code) => keysOfCounter(key(code), partitions));
    const parts = await Promise.all(
      keys.map(async (k) => (await readJson<CounterRecord<C>>(kv, k))?.value.counters),
    );
    return parts.reduce<C>((sum, part) => (part ? addCounts(sum, part) : sum), empty);
  }

  /** The children of `parentCode`, each with its subtree rolled up, ranked by total score. */
  async ranking(parentCode: string, period: string) {
    const children = this.organisation.children(parentCode);
    const boards = await Promise.all(children.map((child) => this.scoreboard(child.code, period)));
    return rank(
      boards.map((board) => ({ unit: board.unit, total: board.scoreboard.total })),
      this.config.rankTolerance,
    );
  }

  /**
   * 1.1–1.3 of a unit from the publication records of the issuers in its subtree, with the
   * procedures behind each count; undefined when no issuer of the records is in the subtree.
   */
  async publications(unitCode: string, period: string): Promise<PublicationIndicators | undefined> {
    const { firstDay, lastDay } = parsePeriod(period);
    const records = await this.options.publications?.records();
    const subtree = new Set(this.subtree(unitCode));
    const issuers = new Set(
      records?.issuers.map((issuer) => issuer.unit).filter((unit) => subtree.has(unit)),
    );
    if (!records || issuers.size === 0) return undefined;
    return publicationIndicators({
      records,
      issuers,
      period: { firstDay, lastDay },
      today: toCivilDate((this.options.clock ?? Date.now)()),
      calendarOf: (unit) => loadAgencyCalendar(this.organisation, unit),
    });
  }

  /** A dossier's facts as last applied to the counters (no personal data); undefined if none were. */
  async dossierFacts(code: string): Promise<DossierFacts | undefined> {
    return (await readJson<EntityRecord<DossierFacts>>(await this.bucket(), dossierKey(code)))?.value.facts;
  }

  /** Which dossiers make up a number, e.g. the late ones of indicator 2.1. */
  async dossiersBehind(unitCode: string, period: string, indicator: string): Promise<DossiersBehind> {
    const fields = indicatorFields[indicator];
    if (!fields)
      throw new RangeError(
        `No dossier list for indicator "${indicator}"; try one of ${Object.keys(indicatorFields).join(', ')}`,
      );
    parsePeriod(period);
    const subtree = new Set(this.subtree(unitCode));
    const result: DossiersBehind = { indicator, numerator: [], rest: [] };
    await this.eachRecord<DossierFacts>('d.>', (record) => {
      if (!subtree.has(record.facts.competentAgency)) return;
      const contribution = dossierContribution(record.facts, period);
      if (contribution[fields.numerator] > 0) result.numerator.push(record.code);
      else if (contribution[fields.denominator] > 0) result.rest.push(record.code);
    });
    result.numerator.sort();
    result.rest.sort();
    return result;
  }

  /**
   * The dossiers (by competent agency) and feedback (by handling unit) of the unit's subtree with
   * a fact dated in the period: what an export of the period's scoreboards includes.
   */
  async recordsTouching(
    unitCode: string,
    period: string,
  ): Promise<{ dossiers: string[]; feedback: string[] }> {
    const { start, end } = periodBounds(period);
    const subtree = new Set(this.subtree(unitCode));
    const inPeriod = (times: ReadonlyArray<string | undefined>) =>
      times.some((text) => {
        const t = text === undefined ? Number.NaN : Date.parse(text);
        return t >= start && t < end;
      });
    const dossiers: string[] = [];
    const feedback: string[] = [];
    await this.eachRecord<DossierFacts>('d.>', ({ code, facts }) => {
      const { submittedAt, acceptedAt, decidedAt, endedAt, returnedAt, supplementations } = facts;
      const asked = supplementations.flatMap((s) => [s.requestedAt, s.providedAt]);
      const times = [submittedAt, acceptedAt, decidedAt, endedAt, returnedAt, ...asked];
      if (subtree.has(facts.competentAgency) && inPeriod(times)) dossiers.push(code);
    });
    await this.eachRecord<FeedbackFacts>('p.>', ({ code, facts }) => {
      const { submittedAt, clockStartedAt, rejectedAt, answeredAt, publishedAt, endedAt } = facts;
      const times = [submittedAt, clockStartedAt, rejectedAt, answeredAt, publishedAt, endedAt];
      if (subtree.has(facts.handlingUnit) && inPeriod(times)) feedback.push(code);
    });
    return { dossiers: dossiers.sort(), feedback: feedback.sort() };
  }

  /** Every entity record under a key filter, read concurrently a chunk at a time. */
  private async eachRecord<F>(filter: string, visit: (record: EntityRecord<F>) => void): Promise<void> {
    const kv = await this.bucket();
    const keys: string[] = [];
    for await (const key of await kv.keys(filter)) keys.push(key);
    for (let i = 0; i < keys.length; i += 200) {
      const chunk = keys.slice(i, i + 200);
      const records = await Promise.all(chunk.map((key) => readJson<EntityRecord<F>>(kv, key)));
      for (const record of records) if (record) visit(record.value);
    }
  }

  private subtree(unitCode: string): string[] {
    return [unitCode, ...this.organisation.descendants(unitCode).map((unit) => unit.code)];
  }

  private meta?: Promise<KV>;
  private readonly opened = new Map<string, Promise<KV>>();
  private readonly layouts = new Map<string, number>();

  /** The active bucket: the pointer is read on every call (rebuilds swap it), handles are kept. */
  private async bucket(): Promise<KV> {
    return (await this.bucketAndLayout()).kv;
  }

  /** The active bucket and its partition count (fixed once the bucket has a layout). */
  private async bucketAndLayout(): Promise<{ kv: KV; partitions: number }> {
    this.meta ??= openMetaBucket(this.nc, this.metaBucket);
    const name = await activeBucketIn(await this.meta);
    let opened = this.opened.get(name);
    if (!opened) {
      opened = openIndicatorBucket(this.nc, name);
      opened.catch(() => this.opened.delete(name));
      this.opened.set(name, opened);
    }
    const kv = await opened;
    let partitions = this.layouts.get(name);
    if (partitions === undefined) {
      const layout = await readLayout(kv);
      partitions = layout?.partitions ?? 1;
      if (layout) this.layouts.set(name, partitions);
    }
    return { kv, partitions };
  }

  /**
   * 1.1–1.3 from the publication records when an issuer of them is in the subtree (they replace
   * the catalogue's reading of 1.3); otherwise why 1.1 and 1.2 cannot be computed.
   */
  private async publicationStats(unitCode: string, period: string): Promise<CatalogueStats> {
    if (!this.options.publications) return {};
    const measured = await this.publications(unitCode, period);
    if (!measured) {
      const records = await this.options.publications.records();
      return { publicationRecords: records.issuers.length > 0 ? 'not-an-issuer' : 'none' };
    }
    const { behind: _behind, ...counts } = measured;
    return { publicationRecords: 'issuer', ...counts };
  }

  /**
   * Catalogue-level counts from the procedure catalogue for the tiers present in the subtree.
   * 1.3 counts the procedures stating all seven parts of ND 63/2010 Art 8(2) (where no publication
   * records say what CSDLQG shows); 4.5a's denominator is the procedures open to citizens.
   */
  private catalogueStats(subtree: readonly string[]): CatalogueStats {
    const tiers = new Set(subtree.map((code) => this.organisation.tierOf(code).id));
    const latest = new Map<string, Procedure>();
    for (const procedure of this.catalogue) {
      if (!tiers.has(procedure.level)) continue;
      const known = latest.get(procedure.code);
      if (!known || known.ruleVersion.effectiveFrom < procedure.ruleVersion.effectiveFrom)
        latest.set(procedure.code, procedure);
    }
    const procedures = [...latest.values()];
    const count = (predicate: (p: Procedure) => boolean) => procedures.filter(predicate).length;
    return {
      disclosed: procedures.length,
      disclosedComplete: count(isPublishedComplete),
      underCompetence: procedures.length,
      withOnlineService: procedures.length,
      withPartialOnlineService: count((p) => p.serviceLevel === 'mot-phan'),
      eligibleForToanTrinh: count((p) => p.eligibleForToanTrinh),
      withToanTrinhService: count((p) => p.eligibleForToanTrinh && p.serviceLevel === 'toan-trinh'),
      withFees: count((p) => p.fees.some((fee) => fee.amountVnd > 0)),
      forIndividuals: count((p) => p.applicantTypes?.includes('citizen') ?? false),
    };
  }
}
