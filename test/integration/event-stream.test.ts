/** The event stream is created idempotently; a configuration drift is reported, never overwritten. */
import { jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from '../../events/stream.js';
import { connectNats } from '../support/test-servers.js';

let nc: Awaited<ReturnType<typeof connectNats>>;
beforeAll(async () => {
  nc = await connectNats();
});
afterAll(() => nc?.drain());

describe('ensureStream', () => {
  it('creates the stream once, accepts the same configuration again, and reports a drift by field', async () => {
    const jsm = await jetstreamManager(nc);
    const name = `DRIFT_${Date.now()}`;
    const config = { name, subjects: [`${name}.>`], duplicate_window: nanos(60_000) };
    await ensureStream(jsm, config);
    await ensureStream(jsm, config);
    await expect(ensureStream(jsm, { ...config, duplicate_window: nanos(30_000) })).rejects.toThrow(
      /duplicate_window is 60000000000, expected 30000000000/,
    );
    expect((await jsm.streams.info(name)).config.duplicate_window).toBe(nanos(60_000));
    await jsm.streams.delete(name);
  });
});
