/**
 * Decision 766 indicators from real events (DOMAIN.md §2): dossiers driven through the lifecycle
 * workflows produce the expected scoreboard; duplicates and redeliveries count once; a malformed
 * event is dead-lettered without blocking the others; a rebuild equals the live state; units
 * roll up to the province.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterStreamName, IndicatorAggregator } from '../../aggregators/indicator-aggregator.js';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { setActiveBucket } from '../../aggregators/indicator-store.js';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { rebuildIndicators } from '../../aggregators/rebuild.js';
import { asSortedObject, bucketCounters, recountFromStream } from '../../aggregators/stream-recount.js';
import { syntheticEvents } from '../../bench/synthetic-events.js';
import { FeedbackClient } from '../../client/feedback-client.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import type { Procedure } from '../../domain/catalogue.js';
import { toCivilDate } from '../../domain/time.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { deadLettersFilter, dossierEventSubject } from '../../events/subjects.js';
import { periodBounds, periodOf } from '../../indicators/periods.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { testLogger } from '../support/test-logging.js';

const oneStop = '000.01.44.H99';
const committee = '000.00.44.H99';
const province = '000.00.00.H99';
const counter = actor('counter-officer', oneStop);
const leader = actor('leader', committee);
const specialist = actor('specialist', committee, 'cv-binh-son');
const logger = testLogger('test-indicators');
const organisation = loadOrganisation('demo');

let system: DossierTestSystem;
let readModel: IndicatorReadModel;
let serial = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  readModel = new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures);
});
afterAll(() => system?.teardown());

async function application(): Promise<DossierApplicationInput> {
  serial++;
  return scannedHouseholdBusiness(system.documents, {
    requestId: `indicators-${Date.now()}-${serial}`,
    applicant: {
      type: 'citizen',
      fullName: 'Trần Thị Bình',
      idNumber: `0510910${String(serial).padStart(5, '0')}`,
    },
    channel: 'online',
    vneidAuthenticated: true,
    receivingUnit: oneStop,
    competentAgency: committee,
  });
}

async function decide(code: string): Promise<void> {
  const act = (name: 'assign' | 'appraise' | 'approve', by: typeof leader, payload: unknown) =>
    system.client.act(code, { name, actor: by, payload });
  await act('assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
  await act('appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
  await act('approve', leader, {});
}

async function streamLastSeq(): Promise<number> {
  const jsm = await jetstreamManager(system.nc);
  return (await jsm.streams.info(eventStreamName)).state.last_seq;
}

/** A fresh aggregator over its own bucket, reading the stream from `startSequence`. */
async function freshAggregator(name: string, startSequence?: number, beforeCommit?: () => void) {
  const bucket = `test_${name}_${Date.now()}`;
  return {
    bucket,
    aggregator: await IndicatorAggregator.create({
      nc: system.nc,
      bucket,
      consumerName: `test_${name}_${Date.now()}`,
      logger,
      startSequence,
      faults: { beforeCommit },
    }),
  };
}

/** A copy of a real event for another dossier, at an agency no other test file counts. */
function syntheticEvent(template: DossierEvent, code: string, seq: number, agency: string): DossierEvent {
  return {
    ...template,
    id: `${code}:${seq}`,
    dossierCode: code,
    seq,
    facts: { ...template.facts, competentAgency: agency },
  };
}

describe('§2.3 scoreboard from dossiers driven through the workflows', () => {
  it('counts on-time, late and pending dossiers for indicator 2.1 and lists the late ones', async () => {
    const onTime = await system.client.receive({ application: await application() });
    const late = await system.client.receive({ application: await application() });
    const pending = await system.client.receive({ application: await application() });
    await decide(onTime.code);
    const acceptedAt = Date.parse((await system.client.get(onTime.code)).state.history[0]?.at ?? '');
    await system.env?.sleep('15 days');
    await decide(late.code);
    await system.client.act(onTime.code, {
      name: 'return-result',
      actor: counter,
      payload: { channel: 'online' },
    });

    const service = await IndicatorService.start(system.nc, logger);
    try {
      await service.caughtUp();
      const period = periodOf('month', toCivilDate(acceptedAt)) ?? '';
      const decidedAt = (await system.client.get(late.code)).state.decidedAt ?? 0;
      const decisionPeriod = periodOf('month', toCivilDate(decidedAt)) ?? '';
      const board = await readModel.scoreboard(committee, period);
      // §2.3 2.1: a dossier without a terminal status at the period end is judged at the period end.
      const dueAt = Date.parse(`${pending.dueDate}T00:00:00+07:00`) + 86_400_000;
      const openOnTime = periodBounds(period).end <= dueAt ? 1 : 0;
      const lateDecidedInPeriod = decisionPeriod === period;
      expect(board.counters.accepted).toBe(3);
      // 3.3: an online dossier counts once it has an e-result where the procedure needs a paper one.
      expect(board.counters.acceptedOnline).toBe(2);
      expect(board.counters.progressTotal).toBe(3);
      const expectedOnTime = 1 + openOnTime + (lateDecidedInPeriod ? 0 : openOnTime);
      expect(board.counters.progressOnTime).toBe(expectedOnTime);
      const indicator21 = board.scoreboard.indicators.find((i) => i.id === '2.1');
      expect(indicator21?.numerator).toBe(expectedOnTime);
      expect(indicator21?.denominator).toBe(3);
      expect(board.scoreboard.groups.reduce((sum, g) => sum + g.max, 0)).toBe(100);

      const behind = await readModel.dossiersBehind(committee, period, '2.1');
      expect(behind.numerator).toContain(onTime.code);
      const inDecisionPeriod = await readModel.dossiersBehind(committee, decisionPeriod, '2.1');
      expect(inDecisionPeriod.rest).toContain(late.code);
      expect(inDecisionPeriod.numerator).not.toContain(late.code);
      expect(service.current().metrics().lag.p99).toBeGreaterThanOrEqual(0);
    } finally {
      await service.stop();
    }
  });
});

describe('§2.3 catalogue indicators 1.3 and 4.5a', () => {
  /** The committee's scoreboard indicator `id` when the read model holds `procedures`. */
  async function catalogueIndicator(procedures: readonly Procedure[], id: string) {
    const model = new IndicatorReadModel(system.nc, organisation, procedures);
    const month = periodOf('month', toCivilDate(await nowInWorkflowTime())) ?? '';
    return (await model.scoreboard(committee, month)).scoreboard.indicators.find((i) => i.id === id);
  }

  /** The seed catalogue with 1.001193 missing đối tượng and 1.000656 a document's số lượng. */
  function withTwoIncomplete(): Procedure[] {
    return loadCatalogue().procedures.map((procedure) => {
      const copy = structuredClone(procedure);
      if (copy.code === '1.001193') delete copy.applicantTypes;
      if (copy.code === '1.000656' && copy.requiredDocuments[0]) delete copy.requiredDocuments[0].copies;
      return copy;
    });
  }

  it('1.3 counts the procedures stating all seven parts of ND 63/2010 Art 8(2); one lacking a part lowers it', async () => {
    // The committee is a cấp xã unit: the 12 commune procedures of the seed, all published in full.
    const complete = await catalogueIndicator(loadCatalogue().procedures, '1.3');
    expect([complete?.numerator, complete?.denominator, complete?.rate, complete?.points]).toEqual([
      12, 12, 100, 2,
    ]);
    const lowered = await catalogueIndicator(withTwoIncomplete(), '1.3');
    expect([lowered?.numerator, lowered?.denominator, lowered?.rate]).toEqual([10, 12, 83.33]);
    expect(lowered?.points).toBeLessThan(2);
  });

  it("4.5a's denominator is the procedures open to citizens (a procedure not saying who may apply is not)", async () => {
    expect((await catalogueIndicator(loadCatalogue().procedures, '4.5a'))?.denominator).toBe(12);
    expect((await catalogueIndicator(withTwoIncomplete(), '4.5a'))?.denominator).toBe(11);
  });
});

describe('§2.3 group 5 from feedback handled through the PAKN workflow', () => {
  it('counts feedback received, answered on time, classified and rated not satisfied (5.1–5.3)', async () => {
    const construction = '000.00.12.H99';
    const feedback = await FeedbackClient.open(system.temporal, system.nc);
    const staff = (role: 'counter-officer' | 'specialist' | 'leader') =>
      actor(role, construction, `${role}-xd`);
    const citizen = { type: 'citizen' as const, fullName: 'Phạm Thị Dung', idNumber: '051088812345' };
    const submit = (n: number) =>
      feedback.submit({
        feedback: {
          requestId: `indicators-pakn-${Date.now()}-${n}`,
          submitter: citizen,
          channel: 'online',
          receivingUnit: construction,
          content: 'Đề nghị rút ngắn thời hạn cấp giấy phép xây dựng nhà ở riêng lẻ.',
        },
      });
    const answered = await submit(1);
    await submit(2);
    const submittedAt = await nowInWorkflowTime();
    await feedback.act(answered.id, {
      name: 'accept',
      actor: staff('counter-officer'),
      payload: { topic: 'hanh-vi' },
    });
    await feedback.act(answered.id, {
      name: 'answer',
      actor: staff('leader'),
      payload: { content: 'Đã chấn chỉnh cán bộ tiếp nhận.', measure: 'xu-ly-vi-pham' },
    });
    const submitterActor = {
      id: citizen.idNumber,
      name: citizen.fullName,
      unit: 'applicant',
      role: 'applicant' as const,
    };
    await feedback.act(answered.id, { name: 'rate', actor: submitterActor, payload: { satisfied: false } });

    const service = await IndicatorService.start(system.nc, logger);
    try {
      await service.caughtUp();
      const day = periodOf('day', toCivilDate(submittedAt)) ?? '';
      const board = await readModel.scoreboard(construction, day);
      expect(board.feedback.firstReceived).toBe(2);
      expect(board.feedback.receivedOrProcessed).toBe(2);
      expect(board.feedback.processedOnTime).toBe(1);
      expect(board.feedback.inProgressWithinTime).toBe(1);
      expect(board.feedback.classifiedRegulationOrConduct).toBe(1);
      expect(board.feedback.notSatisfiedFollowedUpOrOverdue).toBe(1);
      const on = (id: string) => board.scoreboard.indicators.find((i) => i.id === id);
      expect(on('5.2')?.rate).toBe(100);
      expect(on('5.3')?.rate).toBe(50);
    } finally {
      await service.stop();
    }
  });
});

describe('exactly-once effect', () => {
  it('the same event delivered twice, and a batch interrupted by a crash and redelivered in any order, count once', async () => {
    const template = (
      await system.events((await system.client.receive({ application: await application() })).code)
    ).find((e) => e.type === 'accepted');
    if (!template) throw new Error('no accepted event');
    const start = (await streamLastSeq()) + 1;
    const js = jetstream(system.nc);
    const code = `${oneStop}-990101-${String(serial).padStart(4, '0')}`;
    const agency = `999.99.${String(process.pid % 100).padStart(2, '0')}.Z99`;
    const event = syntheticEvent(template, code, 2, agency);
    await js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: `dup-a-${Date.now()}` });
    await js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: `dup-b-${Date.now()}` });

    let crashes = 1;
    const { aggregator, bucket } = await freshAggregator('crash', start, () => {
      if (crashes-- > 0) throw new Error('simulated crash in the middle of a batch');
    });
    // The batch's messages are sent but never committed: the server drops them all.
    await expect(aggregator.drain()).rejects.toThrow('simulated crash');
    await aggregator.drain();
    // Read again from the last checkpoint: the first copy counts once, the second is a duplicate.
    expect(aggregator.metrics().duplicates).toBeGreaterThanOrEqual(1);
    expect(aggregator.metrics().resets).toBe(1);

    const { aggregator: clean, bucket: cleanBucket } = await freshAggregator('clean', start);
    await clean.drain();
    expect(clean.metrics().duplicates).toBe(1);
    const month = periodOf('month', toCivilDate(Date.parse(event.facts.acceptedAt ?? ''))) ?? '';
    const read = async (b: string) => {
      const { Kvm } = await import('@nats-io/kv');
      const kv = await new Kvm(system.nc).open(b);
      const entry = await kv.get(`c.${agency.replaceAll('.', '_')}.${month}`);
      return entry?.json<{ counters: { accepted: number } }>().counters.accepted;
    };
    expect(await read(bucket)).toBe(1);
    expect(await read(cleanBucket)).toBe(1);
  });

  it('a process frozen between a journalled checkpoint and its writes: the next one puts the journal, the frozen one cannot write when it wakes', async () => {
    const start = (await streamLastSeq()) + 1;
    const agency = `999.96.${String(process.pid % 100).padStart(2, '0')}.Z99`;
    const js = jetstream(system.nc);
    for (const event of syntheticEvents(15, `journal${process.pid}`, undefined, { agencies: [agency] }))
      await js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id });
    const bucket = `test_journal_${Date.now()}`;
    let wake = () => {};
    let frozen = false;
    const zombie = await IndicatorAggregator.create({
      nc: system.nc,
      bucket,
      consumerName: bucket,
      logger,
      startSequence: start,
      owner: 'frozen',
      faults: {
        afterJournal: async () => {
          if (frozen) return;
          frozen = true;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        },
      },
    });
    zombie.start();
    await waitFor(() => frozen);
    const { Kvm } = await import('@nats-io/kv');
    const kv = await new Kvm(system.nc).open(bucket);
    const mark = (await kv.get('k.0'))?.json<{ owner: string; journal?: Array<[string, string]> }>();
    expect(mark?.owner).toBe('frozen');
    expect(mark?.journal?.length).toBeGreaterThan(0);
    const firstKey = mark?.journal?.[0]?.[0] ?? '';
    expect((await kv.get(firstKey))?.operation).not.toBe('PUT');

    const next = await IndicatorAggregator.create({
      nc: system.nc,
      bucket,
      consumerName: bucket,
      logger,
      owner: 'next',
    });
    await next.drain();
    wake();
    await waitFor(() => zombie.metrics().resets > 0);
    expect(zombie.ownedPartitions()).toEqual([]);
    await zombie.stop();
    const expected = await recountFromStream(system.nc, new Set([agency]));
    const actual = await bucketCounters(system.nc, bucket, [`c.${agency.replaceAll('.', '_')}.`]);
    expect(asSortedObject(actual)).toEqual(asSortedObject(expected));
    expect(Object.keys(asSortedObject(expected)).length).toBeGreaterThan(3);
  });

  it("a dossier's events delivered newest first count as the newest: the older ones are skipped by their seq", async () => {
    const start = (await streamLastSeq()) + 1;
    const agency = `999.98.${String(process.pid % 100).padStart(2, '0')}.Z99`;
    const events = syntheticEvents(10, `reorder${process.pid}`, undefined, { agencies: [agency] });
    const js = jetstream(system.nc);
    // Two dossiers of five events each: each dossier's newest event first, then the rest.
    for (const dossier of [events.slice(0, 5), events.slice(5)]) {
      for (const event of [...dossier.slice(4), ...dossier.slice(0, 4)])
        await js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id });
    }
    const { aggregator, bucket } = await freshAggregator('reorder', start);
    await aggregator.drain();
    expect(aggregator.metrics().duplicates).toBe(8);
    const expected = await recountFromStream(system.nc, new Set([agency]));
    const actual = await bucketCounters(system.nc, bucket, [`c.${agency.replaceAll('.', '_')}.`]);
    expect(asSortedObject(actual)).toEqual(asSortedObject(expected));
    expect(Object.keys(asSortedObject(expected)).length).toBeGreaterThan(3);
  });

  it('a malformed event lands in the dead-letter stream with its reason while the others are counted', async () => {
    const start = (await streamLastSeq()) + 1;
    const js = jetstream(system.nc);
    const malformed = { type: 'accepted', facts: { competentAgency: committee, receivingUnit: 'x' } };
    await js.publish(dossierEventSubject(malformed), '{"not":"an event"}');
    const { code } = await system.client.receive({ application: await application() });
    const { aggregator } = await freshAggregator('dlq', start);
    await aggregator.drain();
    expect(aggregator.metrics().deadLettered).toBe(1);
    expect(aggregator.metrics().processed).toBe((await system.events(code)).length);
    const jsm = await jetstreamManager(system.nc);
    const dead = await jsm.streams.getMessage(deadLetterStreamName, { last_by_subj: deadLettersFilter });
    const letter = dead?.json<{ reason: string; deliveries: number }>();
    expect(letter?.reason).toContain('dossierCode');
    // Dead-lettered at once: the schema's verdict does not change on redelivery.
    expect(letter?.deliveries).toBe(1);
  });
  it('an event whose facts pass the schema but cannot be counted (before 1970) is dead-lettered too', async () => {
    const start = (await streamLastSeq()) + 1;
    const agency = `999.97.${String(process.pid % 100).padStart(2, '0')}.Z99`;
    const [good, , , , , early] = syntheticEvents(6, `early${process.pid}`, undefined, {
      agencies: [agency],
    });
    if (!good || !early) throw new Error('no synthetic events');
    const uncountable = { ...early, facts: { ...early.facts, submittedAt: '1969-12-31T10:00:00+07:00' } };
    const js = jetstream(system.nc);
    for (const event of [uncountable, good])
      await js.publish(dossierEventSubject(event), JSON.stringify(event), {
        msgID: `${event.id}:${Date.now()}`,
      });
    const { aggregator } = await freshAggregator('early', start);
    await aggregator.drain();
    expect(aggregator.metrics().deadLettered).toBe(1);
    expect(aggregator.metrics().processed).toBe(1);
    const jsm = await jetstreamManager(system.nc);
    const dead = await jsm.streams.getMessage(deadLetterStreamName, { last_by_subj: deadLettersFilter });
    expect(dead?.json<{ reason: string }>().reason).toContain('before 1970');
  });
});

describe('rebuild and roll-up', () => {
  it('a rebuild from the beginning of the stream equals the live indicators, and the live aggregator follows it', async () => {
    const service = await IndicatorService.start(system.nc, logger);
    try {
      await service.caughtUp();
      const month = periodOf('month', toCivilDate(await nowInWorkflowTime())) ?? '';
      // Only this file's units: other test files publish events concurrently on the shared stream.
      const units = [committee];
      const live = await Promise.all(units.map((u) => readModel.scoreboard(u, month)));
      const before = service.activeBucket();
      const result = await rebuildIndicators(system.nc, logger);
      expect(result.bucket).not.toBe(before);
      const rebuilt = await Promise.all(units.map((u) => readModel.scoreboard(u, month)));
      expect(rebuilt.map((b) => b.counters)).toEqual(live.map((b) => b.counters));
      expect(rebuilt.map((b) => b.feedback)).toEqual(live.map((b) => b.feedback));
      expect(live[0]?.counters.accepted).toBeGreaterThan(0);

      await waitFor(() => service.activeBucket() === result.bucket);
      const { code } = await system.client.receive({ application: await application() });
      await service.caughtUp();
      const after = await readModel.scoreboard(committee, month);
      expect(after.counters.accepted).toBe((live[0]?.counters.accepted ?? 0) + 1);
      expect(
        (await readModel.dossiersBehind(committee, month, '4.2')).numerator.concat(
          (await readModel.dossiersBehind(committee, month, '4.2')).rest,
        ),
      ).toContain(code);
    } finally {
      await service.stop();
    }
  });

  it('a province includes its subordinate units (roll-up), and siblings are ranked', async () => {
    // A frozen snapshot: an aggregator drained into its own bucket, read through its own pointer.
    const { aggregator, bucket } = await freshAggregator('rollup');
    await aggregator.drain();
    const meta = `test_rollup_meta_${process.pid}`;
    await setActiveBucket(system.nc, bucket, meta);
    const snapshot = new IndicatorReadModel(
      system.nc,
      organisation,
      loadCatalogue().procedures,
      undefined,
      meta,
    );
    const month = periodOf('month', toCivilDate(await nowInWorkflowTime())) ?? '';
    const whole = await snapshot.scoreboard(province, month);
    const children = organisation.children(province);
    const parts = await Promise.all(children.map((c) => snapshot.scoreboard(c.code, month)));
    // No dossier names the province committee itself as competent agency: the whole is the sum of its parts.
    for (const field of ['accepted', 'progressTotal', 'progressOnTime', 'digitized'] as const) {
      expect(whole.counters[field]).toBe(parts.reduce((sum, p) => sum + p.counters[field], 0));
    }
    expect(whole.counters.accepted).toBeGreaterThanOrEqual(
      (await snapshot.scoreboard(committee, month)).counters.accepted,
    );
    expect(whole.counters.accepted).toBeGreaterThan(0);
    expect(whole.unitsIncluded).toBe(
      organisation.units.length - organisation.descendants('000.00.30.H99').length - 1,
    );
    const ranking = await snapshot.ranking(province, month);
    expect(ranking).toHaveLength(children.length);
    expect(ranking[0]?.rank).toBe(1);
    expect([...ranking].map((r) => r.total)).toEqual([...ranking].map((r) => r.total).sort((a, b) => b - a));
  });
});

async function nowInWorkflowTime(): Promise<number> {
  return system.env?.currentTimeMs() ?? Date.now();
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
