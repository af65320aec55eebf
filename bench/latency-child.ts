/**
 * The latency figure of `npm run bench`, in a process of its own, as the indicator aggregator runs
 * in production (its own worker process):
 *   node --import tsx bench/latency-child.ts <nats url> <events per second> <seconds>
 * It publishes the events at that rate to a live aggregator and prints the figures as one JSON line.
 * The bench's own process carries the lifecycle's heap (webpack, the workers' leftovers), whose
 * collections would otherwise be counted as the aggregator's latency.
 */
import { createLogger, stderrDestination } from '../infra/logging.js';
import { connectNats } from '../infra/nats-connection.js';
import { latency } from './aggregator-bench.js';

const [url, rate, seconds] = process.argv.slice(2);
if (!url || !(Number(rate) > 0) || !(Number(seconds) > 0)) {
  process.stderr.write('usage: latency-child <nats url> <events per second> <seconds>\n');
  process.exit(2);
}
const nc = await connectNats({ servers: url, name: `bench-latency-${process.pid}` });
const logger = createLogger({ name: 'bench-latency', level: 'error', destination: stderrDestination() });
const figures = await latency(nc, logger, Number(rate), Number(seconds), () => undefined);
process.stdout.write(`${JSON.stringify(figures)}\n`);
await nc.drain();
process.exit(0);
