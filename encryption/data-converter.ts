/**
 * The one Temporal data converter of tthc-flow: the encryption codec and the failure converter that
 * moves failure messages into an encrypted payload. Every Temporal client and worker (workers, API,
 * CLI, simulation, bench, tests) gets its converter from `openPayloadProtection`.
 */
export { keyringSource } from './encryption-keyring.js';

import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataConverter } from '@temporalio/common';
import { DataKeyStore } from './data-keys.js';
import type { KeyringSource } from './encryption-keyring.js';
import { LiveKeyring } from './live-keyring.js';
import { EncryptionCodec, type PayloadCodecHooks } from './payload-codec.js';

/** For `bundleWorkflowCode` and workers: the workflow sandbox loads the failure converter from this file. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export interface PayloadProtection {
  keyring: LiveKeyring;
  dataKeys: DataKeyStore;
  codec: EncryptionCodec;
  dataConverter: DataConverter;
  close(): void;
}

export interface PayloadProtectionOptions extends PayloadCodecHooks {
  nc: NatsConnection;
  /** The keyring's source, or a keyring already opened (shared by several clients of a process). */
  keyring: KeyringSource | LiveKeyring;
  dataKeyBucket?: string;
  replicas?: number;
  /** How often the keyring is read again for a rotated key (default 10 s). */
  keyringRefreshMs?: number;
  onKeyringRefreshError?: (error: Error) => void;
}

export async function openPayloadProtection(options: PayloadProtectionOptions): Promise<PayloadProtection> {
  const keyring =
    options.keyring instanceof LiveKeyring
      ? options.keyring
      : await LiveKeyring.open(options.keyring, {
          refreshMs: options.keyringRefreshMs,
          onRefreshError: options.onKeyringRefreshError,
        });
  const dataKeys = await DataKeyStore.open(options.nc, keyring, {
    bucket: options.dataKeyBucket,
    replicas: options.replicas,
  });
  const codec = new EncryptionCodec(keyring, dataKeys, { onDecodeFailure: options.onDecodeFailure });
  return {
    keyring,
    dataKeys,
    codec,
    dataConverter: { payloadCodecs: [codec], failureConverterPath },
    close: () => keyring.close(),
  };
}
