/** `tthc indicators` end to end: a real dossier's events, rebuilt and read through the command line. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toCivilDate } from '../../domain/time.js';
import { periodOf } from '../../indicators/periods.js';
import { projectRoot } from '../../infra/tools.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';

const run = promisify(execFile);
const committee = '000.00.43.H99';
let system: DossierTestSystem;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
});
afterAll(() => system?.teardown());

function tthc(...args: string[]) {
  return run('node', ['bin/tthc.mjs', ...args, '--nats', inject('natsUrl')], {
    cwd: projectRoot,
    env: { ...process.env, TTHC_INDICATOR_META_BUCKET: `cli_test_meta_${process.pid}` },
  });
}

describe('tthc indicators', () => {
  it('rebuilds from the stream and prints the scoreboard of a unit as JSON and as a table', async () => {
    const scan = await system.documents.put(new TextEncoder().encode(`cli ${Date.now()}`), {
      mediaType: 'application/pdf',
      name: 'ban-chinh.pdf',
    });
    const outcome = await system.client.receive({
      application: {
        requestId: `cli-indicators-${Date.now()}`,
        procedureCode: '2.000815',
        applicant: { type: 'citizen', fullName: 'Lê Văn Cường', idNumber: '051099912345' },
        channel: 'counter',
        receivingUnit: '000.01.43.H99',
        competentAgency: committee,
        documents: [{ kind: 'ban-chinh', form: 'paper', fileRef: scan.ref }],
      },
    });
    expect(outcome.outcome).toBe('accepted');
    const month = periodOf('month', toCivilDate((await system.env?.currentTimeMs()) ?? Date.now())) ?? '';

    const rebuilt = await tthc('indicators', 'rebuild', '--json', '--partitions', '2');
    expect(JSON.parse(rebuilt.stdout).events).toBeGreaterThan(0);
    expect(JSON.parse(rebuilt.stdout).partitions).toBe(2);
    // The progress bar (standard error is not a terminal here: whole lines).
    expect(rebuilt.stderr).toMatch(/rebuilding indicators \[#+\] 100\.0 %/);

    const json = JSON.parse(
      (await tthc('indicators', '--unit', committee, '--period', month, '--json')).stdout,
    );
    expect(json.unit.code).toBe(committee);
    expect(json.counters.accepted).toBe(1);
    expect(json.counters.acceptedCounter).toBe(1);
    expect(json.scoreboard.groups).toHaveLength(6);

    const table = (await tthc('indicators', '--unit', committee, '--period', month)).stdout;
    expect(table).toContain('Bộ chỉ số 766');
    expect(table).toContain('Tổng điểm');
    expect(table).toMatch(/2\.1\s+\d+\/1/);

    const ranking = JSON.parse(
      (await tthc('indicators', '--period', month, 'ranking', '--parent', '000.00.00.H99', '--json')).stdout,
    );
    expect(ranking[0].rank).toBe(1);
    const behind = JSON.parse(
      (
        await tthc(
          'indicators',
          'dossiers',
          '--unit',
          committee,
          '--period',
          month,
          '--indicator',
          '4.2',
          '--json',
        )
      ).stdout,
    );
    expect([...behind.numerator, ...behind.rest]).toContain(outcome.code);
  });

  it('refuses a bad partition count in one line, exit code 2', async () => {
    const refused = await tthc('indicators', 'rebuild', '--partitions', '0').catch((error) => error);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--partitions "0" must be a whole number from 1 to 64');
  });
});
