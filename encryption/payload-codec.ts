/**
 * The Temporal payload codec: every payload (workflow, activity, update, query and signal inputs and
 * results, memos, failure messages) leaves the process encrypted with AES-256-GCM. A dossier's or a
 * feedback's payloads use its own data key (encryption/data-keys.ts), so erasing the subject erases
 * its history; any other payload uses the keyring's active key. The key id is in the metadata.
 *
 * Payloads written before encryption existed (no `binary/encrypted` encoding) decode unchanged, so
 * dossiers that were running keep running.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import protoPackage from '@temporalio/proto';
import { open, seal } from './aead.js';
import { type DataKeyStore, dataSubjectOf } from './data-keys.js';
import type { LiveKeyring } from './live-keyring.js';

const { Payload: PayloadMessage } = protoPackage.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const DATA_KEY_PREFIX = 'data:';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A payload the codec could not decode; the cause names the key id or the tampering. */
export class PayloadDecodeError extends Error {
  override name = 'PayloadDecodeError';
}

export interface PayloadCodecHooks {
  /** Called for every payload that fails to decode (a metric, a health check). */
  onDecodeFailure?: (error: Error, keyId: string) => void;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keyring: LiveKeyring,
    private readonly dataKeys: DataKeyStore | undefined,
    private readonly hooks: PayloadCodecHooks = {},
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const { keyId, key } = await this.encodingKey(context);
    return payloads.map((payload) => ({
      metadata: {
        encoding: textEncoder.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: textEncoder.encode(keyId),
      },
      data: seal(key, PayloadMessage.encode(payload).finish(), keyId),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  /** The key id a payload was encrypted under; undefined for a payload that is not encrypted. */
  static keyIdOf(payload: Payload): string | undefined {
    const encoding = payload.metadata?.encoding;
    if (!encoding || textDecoder.decode(encoding) !== ENCRYPTED_ENCODING) return undefined;
    const keyId = payload.metadata?.[KEY_ID_METADATA];
    return keyId ? textDecoder.decode(keyId) : '';
  }

  /** The data subject whose key encrypted a payload, if any. */
  static subjectOf(payload: Payload): string | undefined {
    const keyId = EncryptionCodec.keyIdOf(payload);
    return keyId?.startsWith(DATA_KEY_PREFIX) ? keyId.slice(DATA_KEY_PREFIX.length) : undefined;
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    const keyId = EncryptionCodec.keyIdOf(payload);
    if (keyId === undefined) return payload;
    try {
      if (!keyId) throw new PayloadDecodeError('an encrypted payload carries no encryption-key-id');
      const key = await this.decodingKey(keyId);
      const plain = open(key, payload.data ?? new Uint8Array(), keyId, `payload under key ${keyId}`);
      return PayloadMessage.decode(plain);
    } catch (error) {
      const failure =
        error instanceof PayloadDecodeError
          ? error
          : new PayloadDecodeError(
              `cannot decode a payload under key ${keyId}: ${(error as Error).message}`,
              {
                cause: error,
              },
            );
      this.hooks.onDecodeFailure?.(failure, keyId);
      throw failure;
    }
  }

  private async encodingKey(context?: SerializationContext): Promise<{ keyId: string; key: Uint8Array }> {
    const subject = context?.workflowId ? dataSubjectOf(context.workflowId) : undefined;
    if (subject && this.dataKeys) {
      return { keyId: `${DATA_KEY_PREFIX}${subject}`, key: await this.dataKeys.keyFor(subject) };
    }
    const active = this.keyring.active;
    return { keyId: active.id, key: active.key };
  }

  private async decodingKey(keyId: string): Promise<Uint8Array> {
    if (!keyId.startsWith(DATA_KEY_PREFIX)) return (await this.keyring.key(keyId)).key;
    if (!this.dataKeys) {
      throw new PayloadDecodeError(`payload under data key ${keyId}: this process has no data-key store`);
    }
    return this.dataKeys.existingKey(keyId.slice(DATA_KEY_PREFIX.length));
  }
}
