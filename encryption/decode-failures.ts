/**
 * What a process does when a payload cannot be decrypted: the workflow task fails and Temporal
 * retries it (the dossier is kept, not lost), the metric tthc_payload_decode_failures_total counts
 * it, and the process's readiness check turns red for a while, naming the key.
 */
import { recordPayloadDecodeFailure } from '../infra/metrics.js';
import { TamperedCiphertextError } from './aead.js';
import { ErasedDataError } from './data-keys.js';
import { UnknownKeyError } from './encryption-keyring.js';

export type DecodeFailureReason = 'unknown-key' | 'erased' | 'tampered' | 'other';

export function decodeFailureReason(error: Error): DecodeFailureReason {
  const cause = (error.cause as Error | undefined) ?? error;
  if (cause instanceof UnknownKeyError) return 'unknown-key';
  if (cause instanceof ErasedDataError) return 'erased';
  if (cause instanceof TamperedCiphertextError) return 'tampered';
  return 'other';
}

export class DecodeFailureMonitor {
  private last?: { at: number; keyId: string; reason: DecodeFailureReason };

  constructor(
    private readonly report: (details: { keyId: string; reason: DecodeFailureReason; error: string }) => void,
    /** How long a failure keeps the check red after it last happened. */
    private readonly windowMs = 60_000,
  ) {}

  /** The codec's onDecodeFailure hook. Erased subjects are expected (a closed dossier's view) and stay green. */
  readonly onDecodeFailure = (error: Error, keyId: string): void => {
    const reason = decodeFailureReason(error);
    recordPayloadDecodeFailure(reason);
    if (reason === 'erased') return;
    this.last = { at: Date.now(), keyId, reason };
    this.report({ keyId, reason, error: error.message });
  };

  /** A line for the health check while failures are recent; undefined when all is well. */
  problem(now = Date.now()): string | undefined {
    if (!this.last || now - this.last.at > this.windowMs) return undefined;
    const ago = Math.round((now - this.last.at) / 1_000);
    return `payloads under key ${this.last.keyId} cannot be decrypted (${this.last.reason}, ${ago}s ago)`;
  }
}
