/**
 * One aggregator process of `npm run bench`'s scale-out figure:
 *   node --import tsx bench/aggregator-child.ts <nats url> <bucket> <start sequence> <partitions> <owned, e.g. 0,1>
 * It takes the given partitions of a fresh bucket, prints `ready`, waits for `go` on standard
 * input, applies everything in the stream, and prints `{"seconds":…,"processed":…}`.
 */
import { createInterface } from 'node:readline';
import { IndicatorAggregator } from '../aggregators/indicator-aggregator.js';
import { createLogger, stderrDestination } from '../infra/logging.js';
import { connectNats } from '../infra/nats-connection.js';

const [url, bucket, start, partitions, owned] = process.argv.slice(2);
if (!url || !bucket || !start || !partitions || owned === undefined) {
  process.stderr.write('usage: aggregator-child <nats url> <bucket> <start sequence> <partitions> <owned>\n');
  process.exit(2);
}
const nc = await connectNats({ servers: url, name: `bench-aggregator-${process.pid}` });
const aggregator = await IndicatorAggregator.create({
  nc,
  bucket,
  consumerName: `bench_${bucket}`,
  logger: createLogger({ name: 'bench-aggregator', level: 'error', destination: stderrDestination() }),
  startSequence: Number(start),
  partitions: Number(partitions),
  own: 'none',
  owner: `bench-${process.pid}`,
});
for (const partition of owned.split(',').filter((p) => p !== '')) await aggregator.acquire(Number(partition));
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
const started = process.hrtime.bigint();
await aggregator.drain();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ seconds, processed: aggregator.metrics().processed })}\n`);
await nc.drain();
process.exit(0);
