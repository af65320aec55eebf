/**
 * Data keys (encryption/data-keys.ts): a subject's key is created on first use without a read
 * first, yet every process agrees on one key, and an erased subject never gets a new one.
 */
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DataKeyStore, ErasedDataError } from '../../encryption/data-keys.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import { LiveKeyring } from '../../encryption/live-keyring.js';
import { connectNats } from '../support/test-servers.js';

const bucket = `test_data_keys_${Date.now()}`;
let nc: NatsConnection;
let keyring: LiveKeyring;
/** A store as another process would open it: nothing in its cache. */
const anotherProcess = () => DataKeyStore.open(nc, keyring, { bucket });

beforeAll(async () => {
  nc = await connectNats('data-keys');
  keyring = await LiveKeyring.open(new KeyringFile(inject('keyringFile')), { refreshMs: 0 });
});

afterAll(async () => {
  keyring?.close();
  if (nc) await (await new Kvm(nc).open(bucket)).destroy();
  await nc?.drain();
});

describe('DataKeyStore', () => {
  it('creates a new subject’s key once: processes asking at the same time, and later, get the same key', async () => {
    const subject = '000.00.15.H57-261207-0001';
    const stores = await Promise.all([anotherProcess(), anotherProcess(), anotherProcess()]);
    const keys = await Promise.all(stores.map((store) => store.keyFor(subject)));
    for (const key of keys) expect(key.equals(keys[0] as Buffer)).toBe(true);
    expect((await (await anotherProcess()).keyFor(subject)).equals(keys[0] as Buffer)).toBe(true);
    expect((await (await anotherProcess()).existingKey(subject)).equals(keys[0] as Buffer)).toBe(true);
    const history = await (await new Kvm(nc).open(bucket)).history({ key: subject });
    let versions = 0;
    for await (const _ of history) versions++;
    expect(versions).toBe(1);
  });

  it('never creates a key again for an erased subject, in any process', async () => {
    const subject = '000.00.15.H57-261207-0002';
    const store = await anotherProcess();
    await store.keyFor(subject);
    expect(await store.destroy(subject)).toBe(true);
    await expect(store.keyFor(subject)).rejects.toBeInstanceOf(ErasedDataError);
    await expect((await anotherProcess()).keyFor(subject)).rejects.toBeInstanceOf(ErasedDataError);
    expect(await store.keyState(subject)).toBe('erased');
  });
});
