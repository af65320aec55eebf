/**
 * A NATS KV compare-and-set that lost: the key's last revision was not the one expected (a create
 * on an existing key, a stale update). 10071 (StreamWrongLastSequence); 10164
 * (StreamWrongLastSequenceUnknown) is treated the same way, as @nats-io/kv's own create() does.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

export function isKvConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
