/**
 * Every process's NATS connection. `noAsyncTraces`: nats.js otherwise builds an `Error` for each
 * request up front to keep the caller's stack for a failure that rarely comes, one of the larger
 * costs of a worker's publishing in a CPU profile (BENCHMARKS.md, issue #19). A failed request
 * still says what failed; only the async stack of the call site is left out.
 */
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';

export function connectNats(options: ConnectionOptions): Promise<NatsConnection> {
  return connect({ noAsyncTraces: true, ...options });
}
