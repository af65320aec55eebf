/**
 * The on-disk format of a stored document (infra/document-store.ts). Each document has its own
 * random AES-256 data key: the object file is the content sealed with it (AES-256-GCM), and the
 * metadata beside it holds the id of the keyring key that wraps the data key, the wrapped key, and
 * the description (name, media type, size) sealed with the data key too. Overwriting the wrapped
 * key erases the document (crypto-shredding). The content hash stays the hash of the plaintext, so
 * references and the units' signatures do not change.
 *
 * A document streamed in as it was uploaded (FileDocumentStore.putStream) is sealed before its hash
 * is known: its object's associated data cannot name the hash, so its metadata says so
 * (STREAMED_FORMAT). Its data key is its own all the same, so an object moved to another document
 * does not open there, and the hash is checked on every read.
 *
 * Documents stored before encryption existed (legacy: a plaintext object, its description as
 * plain JSON) are still read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { open, seal, TamperedCiphertextError } from '../encryption/aead.js';
import { KEY_BYTES, type KeyringKey } from '../encryption/encryption-keyring.js';
import type { LiveKeyring } from '../encryption/live-keyring.js';

export interface DocumentMeta {
  mediaType: string;
  name: string;
}

export interface StoredDocument extends DocumentMeta {
  /** 'sha256:<hex>' */
  ref: string;
  sha256: string;
  size: number;
}

export class DocumentCorruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentCorruptedError';
  }
}

export const SEALED_FORMAT = 'tthc-document/aes-256-gcm/1';
export const STREAMED_FORMAT = 'tthc-document/aes-256-gcm-streamed/1';
export type SealedFormat = typeof SEALED_FORMAT | typeof STREAMED_FORMAT;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/)
  .transform((text) => Buffer.from(text, 'base64'));

const sealedMetadataSchema = z.strictObject({
  format: z.enum([SEALED_FORMAT, STREAMED_FORMAT]),
  sha256: sha256Hex,
  /** The keyring key that wraps the data key. */
  keyId: z.string().min(1),
  /** nonce | data key sealed with the keyring key | tag */
  wrappedKey: base64,
  /** nonce | {name, mediaType, size} sealed with the data key | tag */
  description: base64,
});

/** What erasure writes over the metadata before deleting it (seen only if it stopped half-way). */
const destroyedMetadataSchema = z.strictObject({
  format: z.literal(SEALED_FORMAT),
  sha256: sha256Hex,
  destroyed: z.literal(true),
});

const legacyMetadataSchema = z.object({
  ref: z.string(),
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  mediaType: z.string().min(1),
  name: z.string().min(1),
});

const descriptionSchema = z.strictObject({
  name: z.string().min(1),
  mediaType: z.string().min(1),
  size: z.number().int().nonnegative(),
});

export type ParsedMetadata =
  | ({ kind: 'sealed' } & z.infer<typeof sealedMetadataSchema>)
  | { kind: 'destroyed' }
  | { kind: 'legacy'; document: StoredDocument };

/** Metadata with its keys opened: what reading or completing a document needs. */
export type DocumentEntry =
  | { kind: 'sealed'; document: StoredDocument; dataKey: Buffer; format: SealedFormat }
  | { kind: 'legacy'; document: StoredDocument }
  | { kind: 'destroyed' };

export function documentRef(sha256: string): string {
  return `sha256:${sha256}`;
}

export function hashOf(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads a metadata file's text without decrypting anything; malformed metadata is corrupted. */
export function parseMetadata(text: string, sha256: string): ParsedMetadata {
  const json = parseJson(text, sha256);
  const sealed = sealedMetadataSchema.safeParse(json);
  if (sealed.success) return checkedHash({ kind: 'sealed', ...sealed.data }, sealed.data.sha256, sha256);
  const destroyed = destroyedMetadataSchema.safeParse(json);
  if (destroyed.success) return checkedHash({ kind: 'destroyed' }, destroyed.data.sha256, sha256);
  const legacy = legacyMetadataSchema.safeParse(json);
  if (legacy.success) {
    const document = { ...legacy.data, ref: documentRef(legacy.data.sha256) };
    return checkedHash({ kind: 'legacy', document }, legacy.data.sha256, sha256);
  }
  throw new DocumentCorruptedError(`metadata of document sha256:${sha256} is not in a known format`);
}

/** Unwraps the data key and opens the description; a key missing from the ring throws UnknownKeyError. */
export async function openMetadata(keyring: LiveKeyring, metadata: ParsedMetadata): Promise<DocumentEntry> {
  if (metadata.kind !== 'sealed') return metadata;
  const { sha256, keyId } = metadata;
  const { key } = await keyring.key(keyId);
  const dataKey = authentic(sha256, 'key', () =>
    open(key, metadata.wrappedKey, wrapContext(sha256, keyId), `key of document sha256:${sha256}`),
  );
  const description = authentic(sha256, 'description', () =>
    open(dataKey, metadata.description, descriptionContext(sha256), `description of sha256:${sha256}`),
  );
  const parsed = descriptionSchema.safeParse(parseJson(description.toString('utf8'), sha256));
  if (!parsed.success) {
    throw new DocumentCorruptedError(`description of document sha256:${sha256} is not in a known format`);
  }
  return { kind: 'sealed', dataKey, format: metadata.format, document: storedDocument(sha256, parsed.data) };
}

/** A new document: its data key, wrapped by the active key, its metadata file and its object file. */
export function sealDocument(
  active: KeyringKey,
  sha256: string,
  content: Uint8Array,
  meta: DocumentMeta,
): { metadata: string; object: Buffer; document: StoredDocument } {
  const dataKey = randomBytes(KEY_BYTES);
  const sealed = sealMetadata(active, dataKey, SEALED_FORMAT, sha256, { ...meta, size: content.byteLength });
  return { ...sealed, object: sealObject(dataKey, SEALED_FORMAT, sha256, content) };
}

/** The metadata file of a document whose data key is `dataKey` and whose object is in `format`. */
export function sealMetadata(
  active: KeyringKey,
  dataKey: Uint8Array,
  format: SealedFormat,
  sha256: string,
  meta: DocumentMeta & { size: number },
): { metadata: string; document: StoredDocument } {
  const description = { name: meta.name, mediaType: meta.mediaType, size: meta.size };
  const metadata = {
    format,
    sha256,
    keyId: active.id,
    wrappedKey: seal(active.key, dataKey, wrapContext(sha256, active.id)).toString('base64'),
    description: seal(dataKey, Buffer.from(JSON.stringify(description)), descriptionContext(sha256)).toString(
      'base64',
    ),
  };
  return {
    metadata: `${JSON.stringify(metadata, null, 2)}\n`,
    document: storedDocument(sha256, description),
  };
}

export function sealObject(
  dataKey: Uint8Array,
  format: SealedFormat,
  sha256: string,
  content: Uint8Array,
): Buffer {
  return seal(dataKey, content, objectContext(format, sha256));
}

/** The associated data of a streamed object, sealed before its hash is known. */
export function streamedObjectContext(): string {
  return objectContext(STREAMED_FORMAT, '');
}

/** The plaintext of an object file, checked against its hash and size: never returned half-verified. */
export function openObject(
  entry: Exclude<DocumentEntry, { kind: 'destroyed' }>,
  object: Uint8Array,
): Uint8Array {
  const { sha256, size } = entry.document;
  const content =
    entry.kind === 'legacy'
      ? object
      : authentic(sha256, 'content', () =>
          open(entry.dataKey, object, objectContext(entry.format, sha256), `document sha256:${sha256}`),
        );
  const actual = hashOf(content);
  if (actual !== sha256 || content.byteLength !== size) {
    throw new DocumentCorruptedError(
      `document sha256:${sha256} is corrupted: its stored bytes hash to sha256:${actual}`,
    );
  }
  return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
}

export function destroyedMetadata(sha256: string): string {
  return JSON.stringify({ format: SEALED_FORMAT, sha256, destroyed: true });
}

function storedDocument(sha256: string, description: z.infer<typeof descriptionSchema>): StoredDocument {
  const { size, mediaType, name } = description;
  return { ref: documentRef(sha256), sha256, size, mediaType, name };
}

function wrapContext(sha256: string, keyId: string): string {
  return `tthc document key\n${sha256}\n${keyId}`;
}

function descriptionContext(sha256: string): string {
  return `tthc document description\n${sha256}`;
}

function objectContext(format: SealedFormat, sha256: string): string {
  return format === STREAMED_FORMAT ? 'tthc document content, streamed' : `tthc document content\n${sha256}`;
}

function authentic(sha256: string, part: string, opening: () => Buffer): Buffer {
  try {
    return opening();
  } catch (error) {
    if (!(error instanceof TamperedCiphertextError)) throw error;
    throw new DocumentCorruptedError(
      `document sha256:${sha256} is corrupted: its ${part} does not authenticate (${error.message})`,
    );
  }
}

function parseJson(text: string, sha256: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DocumentCorruptedError(`metadata of document sha256:${sha256} is not valid JSON`);
  }
}

function checkedHash<T>(metadata: T, named: string, sha256: string): T {
  if (named !== sha256) {
    throw new DocumentCorruptedError(`metadata of document sha256:${sha256} names sha256:${named}`);
  }
  return metadata;
}
