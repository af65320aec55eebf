/** `npm run simulate -- [--days 30] [--arrivals 300] [--seed 1] [--start 2027-03-01] [--organisation simulation] [--slot-minutes 60] [--evaluation-window 2] [--servers 4] [--json] [--export FILE]` */

import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { Command, CommanderError } from 'commander';
import { createLogger, PinoTemporalLogger, stderrDestination } from '../infra/logging.js';
import { formatScoreboardSummary } from './scoreboard-tables.js';
import { runSimulation } from './simulate.js';
import { simulationConfigSchema } from './simulation-options.js';

const program = new Command('simulate')
  .description(
    "A province's working days on the real workflows (time-skipping), then the Decision 766 scoreboard",
  )
  .option('--days <n>', 'calendar days to simulate', '30')
  .option('--arrivals <n>', 'dossiers arriving per working day', '300')
  .option('--seed <n>', 'random seed (same seed, same result)', '1')
  .option('--start <date>', 'first simulated day (must be in the future)', '2027-03-01')
  .option('--organisation <name>', 'organisation registry under data/organisations', 'simulation')
  .option('--period <id>', 'report period (default: the month of --start)')
  .option('--slot-minutes <n>', 'actions fall on slots of this many minutes (rounded up)', '60')
  .option('--evaluation-window <days>', 'calendar days a returned dossier waits for its evaluation', '2')
  .option('--servers <n>', 'time-skipping servers the communes are spread over', '4')
  .option('--json', 'print JSON instead of tables')
  .option(
    '--export <file>',
    'also write every dossier and feedback of the run and the scoreboards of the report as JSON lines, to recount',
  )
  .exitOverride();

const interrupt = new AbortController();

try {
  program.parse(process.argv);
  const options = program.opts<Record<string, string | boolean | undefined>>();
  const parsed = simulationConfigSchema.safeParse({
    days: Number(options.days),
    arrivalsPerDay: Number(options.arrivals),
    seed: Number(options.seed),
    start: options.start,
    organisation: options.organisation,
    period: options.period,
    slotMinutes: Number(options.slotMinutes),
    evaluationWindowDays: Number(options.evaluationWindow),
    servers: Number(options.servers),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${flagOf(String(i.path[0]))}: ${i.message}`);
    throw new Error(issues.join('; '));
  }
  const logger = createLogger({ name: 'simulate', level: 'error', destination: stderrDestination() });
  // Ctrl-C and SIGTERM stop the simulation here, servers included, rather than in the SDK (which
  // would stop the workers and leave the run waiting for them).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[simulate] ${signal}: stopping …\n`);
      // Calls in flight fail as their servers stop, some in the client's retry timers; that is
      // the expected end of an interrupted run, not a reason to skip stopping the other servers.
      process.on('uncaughtException', () => undefined);
      interrupt.abort();
    });
  }
  Runtime.install({
    shutdownSignals: [],
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) },
    },
  });
  const report = await runSimulation(parsed.data, {
    logger,
    onProgress: (line) => process.stderr.write(`\r\x1b[K[simulate] ${line}`),
    signal: interrupt.signal,
    exportTo: typeof options.export === 'string' ? options.export : undefined,
  });
  process.stderr.write('\n');
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatScoreboardSummary(report)}\n`,
  );
  process.exit(0);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  process.stderr.write(`simulate: ${(error as Error).message.split('\n')[0]}\n`);
  process.exit(interrupt.signal.aborted ? 130 : 1);
}

/** The command-line flag of a configuration key, for error messages. */
function flagOf(key: string): string {
  const flags: Record<string, string> = {
    arrivalsPerDay: '--arrivals',
    slotMinutes: '--slot-minutes',
    evaluationWindowDays: '--evaluation-window',
  };
  return flags[key] ?? `--${key}`;
}
