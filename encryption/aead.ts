/**
 * AES-256-GCM with a random 96-bit nonce: `nonce (12) | ciphertext | tag (16)`. The associated data
 * binds a ciphertext to where it belongs (a key id, a subject), so one moved elsewhere is refused.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext that does not authenticate: tampered, truncated, or sealed under another key or context. */
export class TamperedCiphertextError extends Error {
  override name = 'TamperedCiphertextError';
}

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function open(key: Uint8Array, sealed: Uint8Array, associatedData: string, what: string): Buffer {
  if (sealed.byteLength < NONCE_BYTES + TAG_BYTES) {
    throw new TamperedCiphertextError(`${what}: ciphertext too short (${sealed.byteLength} bytes)`);
  }
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.byteLength - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.byteLength - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new TamperedCiphertextError(
      `${what}: the ciphertext does not authenticate (tampered, or another key)`,
    );
  }
}

/** A seal written as the plaintext arrives: the same `nonce | ciphertext | tag` that open() reads. */
export interface SealingStream {
  /** The nonce, written first. */
  readonly header: Buffer;
  update(chunk: Uint8Array): Buffer;
  /** The last ciphertext bytes and the tag. */
  final(): Buffer;
}

export function sealingStream(key: Uint8Array, associatedData: string): SealingStream {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return {
    header: nonce,
    update: (chunk) => cipher.update(chunk),
    final: () => Buffer.concat([cipher.final(), cipher.getAuthTag()]),
  };
}
