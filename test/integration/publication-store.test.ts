/**
 * TTHC publication records in NATS KV, end to end: an import (checked, dry-run or merged) is seen
 * by a running read model without a restart, which then measures 1.1–1.3 for the province that
 * publishes (DOMAIN.md §2.3 group 1) while a commune's stay not computable; reminders before the
 * deadlines reach the TTHC_REMINDERS stream once per item and stage; the `tthc publications`
 * commands over the same store.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { type PublicationRecords, publicationRecordsSchema } from '../../domain/publication-records.js';
import { PUBLISHED_PARTS } from '../../domain/published-parts.js';
import { ValidationError } from '../../domain/validation.js';
import { reminderSubject } from '../../events/subjects.js';
import { projectRoot } from '../../infra/tools.js';
import { reminderStreamName, sendPublicationReminders } from '../../publications/publication-reminders.js';
import { PublicationStore } from '../../publications/publication-store.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { loadPublications } from '../../rules/publication-loader.js';

const run = promisify(execFile);
const province = '000.00.00.H99';
const commune = '000.00.44.H99';
const registry = loadOrganisation('demo');
const demoRecords = loadPublications('demo', registry) as PublicationRecords;
/** The demo records' "today": 1.000894 of QĐ 3011 was due on CSDLQG on 27/11 and is not public yet. */
const today = Date.parse('2026-12-04T10:00:00+07:00');

let nc: NatsConnection;
let workDir: string;
const bucket = `test_publications_${process.pid}`;

beforeAll(async () => {
  nc = await connect({ servers: inject('natsUrl') });
  workDir = await mkdtemp(join(tmpdir(), 'tthc-publications-'));
});
afterAll(async () => {
  await nc?.drain();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function readModelOver(store: PublicationStore): IndicatorReadModel {
  return new IndicatorReadModel(nc, registry, loadCatalogue().procedures, undefined, `${bucket}_meta`, {
    publications: store,
    clock: () => today,
  });
}

async function indicators(model: IndicatorReadModel, unit: string, period: string) {
  const board = await model.scoreboard(unit, period);
  const on = (id: string) => board.scoreboard.indicators.find((i) => i.id === id);
  return { '1.1': on('1.1'), '1.2': on('1.2'), '1.3': on('1.3') };
}

const counts = (i: { numerator: number; denominator: number; rate: number | null } | undefined) => [
  i?.numerator,
  i?.denominator,
  i?.rate,
];

describe('importing publication records and reading 1.1–1.3', () => {
  it('a dry run writes nothing; the import is measured by a read model already running', async () => {
    const store = new PublicationStore(nc, 'demo', bucket);
    const model = readModelOver(store);
    const before = await indicators(model, province, '2026-11');
    expect(before['1.1']).toMatchObject({ status: 'not-computable' });

    const dry = await store.importRecords(demoRecords, { dryRun: true, registry });
    expect(dry.added).toHaveLength(1 + 4 + 3 + 3);
    expect((await store.records()).decisions).toEqual([]);

    const report = await store.importRecords(demoRecords, { registry });
    expect([report.added.length, report.replaced.length, report.dryRun]).toEqual([11, 0, false]);
    const november = await indicators(model, province, '2026-11');
    // 1.1: QĐ 2890 on time (deadline 9/11), QĐ 3120 late (deadline 24/11); QĐ 3011 lists, is not judged.
    expect(counts(november['1.1'])).toEqual([1, 2, 50]);
    expect(november['1.1']).toMatchObject({ status: 'measured', points: 3 });
    // 1.2: due in November: LOCAL.CPXD-NORL (12/11) and 1.001193 (27/11) public in time, 1.000894 not.
    expect(counts(november['1.2'])).toEqual([2, 3, 66.67]);
    // 1.3 on 4/12: three public, LOCAL.XNTTHN without đối tượng thực hiện.
    expect(counts(november['1.3'])).toEqual([2, 3, 66.67]);

    // The commune publishes nothing: 1.1 and 1.2 are not computable; 1.3 reads the catalogue.
    const atCommune = await indicators(model, commune, '2026-11');
    expect(atCommune['1.1']?.why).toContain('không ban hành quyết định công bố');
    expect(atCommune['1.2']).toMatchObject({ status: 'not-computable' });
    expect(atCommune['1.3']).toMatchObject({ status: 'measured', denominator: 12 });

    // A later import, the disclosure made on its last day, is seen at the next read.
    const late = publicationRecordsSchema.parse({
      disclosures: [
        {
          procedure: '1.000894',
          decision: '3011/QĐ-UBND',
          disclosedOn: '2026-11-27',
          publishedParts: [...PUBLISHED_PARTS],
        },
      ],
    });
    const second = await store.importRecords(late, { registry });
    expect(second.added).toEqual([{ kind: 'disclosures', id: '1.000894 3011/QĐ-UBND' }]);
    expect(counts((await indicators(model, province, '2026-11'))['1.2'])).toEqual([3, 3, 100]);

    const details = await model.publications(province, '2026-11');
    expect(details?.behind['1.1'].find((p) => !p.onTime)?.procedure).toBe('LOCAL.XNTTHN');
    expect(await model.publications(commune, '2026-11')).toBeUndefined();
  });

  it('refuses an import whose references do not resolve in the store, naming the field, and writes nothing', async () => {
    const store = new PublicationStore(nc, 'demo', `${bucket}_refused`);
    const orphan = publicationRecordsSchema.parse({
      disclosures: [
        { procedure: '1.001193', decision: '9999/QĐ-UBND', disclosedOn: '2026-11-26', publishedParts: [] },
      ],
    });
    await expect(store.importRecords(orphan, { registry, source: 'orphan.json' })).rejects.toThrow(
      ValidationError,
    );
    await expect(store.importRecords(orphan, { registry })).rejects.toThrow(
      /disclosures\[0\]\.decision: "9999\/QĐ-UBND" is not a decision of the records/,
    );
    expect((await store.records()).disclosures).toEqual([]);
  });

  it('seeding adds only what the store lacks: a record imported since is kept', async () => {
    const store = new PublicationStore(nc, 'demo', `${bucket}_seed`);
    await store.importRecords(demoRecords, { registry });
    const corrected = structuredClone(demoRecords);
    const first = corrected.disclosures[0];
    if (first) first.disclosedOn = '2026-11-11';
    await store.importRecords({ ...corrected, disclosures: corrected.disclosures.slice(0, 1) }, { registry });
    const seeded = await store.importRecords(demoRecords, { registry, onlyMissing: true });
    expect([seeded.added.length, seeded.replaced.length, seeded.kept]).toEqual([0, 0, 11]);
    expect(
      (await store.records()).disclosures.find((d) => d.procedure === first?.procedure)?.disclosedOn,
    ).toBe('2026-11-11');
  });
});

describe('reminders before the deadlines of 1.1 and 1.2', () => {
  it('sends each item due once per stage to the TTHC_REMINDERS stream, addressed to the officials', async () => {
    const store = new PublicationStore(nc, 'demo', `${bucket}_reminders`);
    await store.importRecords(demoRecords, { registry });
    const options = { registry, today: '2026-12-04', withinWorkingDays: 20, clock: () => today };
    const first = await sendPublicationReminders(nc, store, {
      ...options,
      catalogue: loadCatalogue().procedures,
    });
    expect(first.sent.map((r) => [r.kind, r.procedure, r.deadline, r.overdue])).toEqual([
      ['disclosure', '1.000894', '2026-11-27', true],
      // 20/2026/QĐ-UBND takes effect 4/1/2027: its QĐCB is due 5 working days before (1/1 is a holiday).
      ['publication', 'LOCAL.DKBD-QSDD', '2026-12-25', false],
    ]);
    expect(first.sent[1]?.officials.map((o) => o.name)).toEqual(['Nguyễn Thị Hạnh']);
    expect(first.sent[1]?.message).toContain('cần ban hành quyết định công bố');

    const again = await sendPublicationReminders(nc, store, options);
    expect([again.sent.length, again.alreadySent]).toEqual([0, 2]);
    // Once the QĐCB deadline has passed, the overdue stage is reminded once more.
    const overdue = await sendPublicationReminders(nc, store, { ...options, today: '2026-12-28' });
    expect(overdue.sent.map((r) => [r.procedure, r.overdue])).toEqual([['LOCAL.DKBD-QSDD', true]]);

    const jsm = await jetstreamManager(nc);
    const last = await jsm.streams.getMessage(reminderStreamName, {
      last_by_subj: reminderSubject(province, 'publication'),
    });
    expect(last?.json<{ procedure: string; overdue: boolean }>()).toMatchObject({
      procedure: 'LOCAL.DKBD-QSDD',
      overdue: true,
    });
  });
});

describe('tthc publications', () => {
  function tthc(...args: string[]) {
    return run('node', ['bin/tthc.mjs', ...args], { cwd: projectRoot });
  }
  const global = () => ['--nats', inject('natsUrl'), '--bucket', `${bucket}_cli`];

  it('imports a file (dry run first), lists what is due and shows what 1.1–1.3 are made of', async () => {
    const file = join(projectRoot, 'data/publications/demo.json');
    const dry = JSON.parse(
      (await tthc('publications', ...global(), '--json', 'import', '--file', file, '--dry-run')).stdout,
    );
    expect([dry.added.length, dry.dryRun]).toEqual([11, true]);
    const text = (await tthc('publications', ...global(), 'import', '--file', file)).stdout;
    expect(text).toContain('Đã nhập');
    expect(text).toContain('thêm 11');

    const due = JSON.parse(
      (await tthc('publications', ...global(), '--json', 'due', '--on', '2026-12-04', '--within', '20'))
        .stdout,
    );
    expect(due.due.map((d: { procedure: string }) => d.procedure)).toEqual(['1.000894', 'LOCAL.DKBD-QSDD']);
    const table = (await tthc('publications', ...global(), 'due', '--on', '2026-12-04')).stdout;
    expect(table).toContain('QUÁ HẠN');
    expect(table).not.toContain('LOCAL.DKBD-QSDD');

    const shown = (await tthc('publications', ...global(), 'show', '--unit', province, '--period', '2026-11'))
      .stdout;
    expect(shown).toContain('1.1 Công bố đúng hạn: 1/2');
    expect(shown).toContain('LOCAL.XNTTHN  TRỄ HẠN');
    expect(shown).toContain('thiếu đối tượng thực hiện');
  });

  it('refuses a file with an unknown field, naming the file and the field (exit 1)', async () => {
    const file = join(workDir, 'bad.json');
    writeFileSync(file, JSON.stringify({ decisions: [], unknown: 1 }));
    const failure = await tthc('publications', ...global(), 'import', '--file', file).catch((error) => error);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(file);
    expect(failure.stderr).toContain('unknown: is not a known field');
  });
});
