/**
 * Content-addressed document storage. FileDocumentStore is the embedded default on local disk; a
 * real document management system can replace it behind the DocumentStore interface.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DRAFT_ID } from '../domain/citizen-drafts.js';
import { isDossierCode } from '../domain/dossier-code.js';
import { open as openSealed, sealingStream } from '../encryption/aead.js';
import { KEY_BYTES } from '../encryption/encryption-keyring.js';
import type { LiveKeyring } from '../encryption/live-keyring.js';
import { DocumentClaims } from './document-claims.js';
import {
  DocumentCorruptedError,
  type DocumentEntry,
  type DocumentMeta,
  destroyedMetadata,
  documentRef,
  hashOf,
  openMetadata,
  openObject,
  type ParsedMetadata,
  parseMetadata,
  STREAMED_FORMAT,
  type StoredDocument,
  sealDocument,
  sealMetadata,
  sealObject,
  streamedObjectContext,
} from './document-envelope.js';

export { DocumentCorruptedError, type DocumentMeta, documentRef, type StoredDocument };

/** What erasing a dossier's documents did: the refs it no longer claims, and those destroyed. */
export interface DossierErasure {
  released: string[];
  destroyed: string[];
}

export interface DocumentStore {
  /** Stores the bytes; storing the same bytes again returns the document already stored. */
  put(content: Uint8Array, meta: DocumentMeta): Promise<StoredDocument>;
  /**
   * Stores the bytes as they arrive, never holding them whole: an upload. If the source throws
   * (a dropped connection, a size limit passed), nothing is stored and the error is rethrown.
   */
  putStream(source: AsyncIterable<Uint8Array>, meta: DocumentMeta): Promise<StoredDocument>;
  /** The document; null if it was never stored or was destroyed. */
  get(ref: string): Promise<{ content: Uint8Array; meta: StoredDocument } | null>;
  has(ref: string): Promise<boolean>;
  /** The document's name, media type and size, without reading its content; null if absent or destroyed. */
  describe(ref: string): Promise<StoredDocument | null>;
  /** Records that the dossier uses the document; false (no claim) if the store does not hold it. */
  claim(ref: string, dossierCode: string): Promise<boolean>;
  /** Drops the dossier's claims and destroys every document no other dossier claims; repeatable. */
  eraseDossier(dossierCode: string): Promise<DossierErasure>;
}

export interface FileDocumentStoreOptions {
  /** After this long an erasure's marker left by a process that died is ignored (default 30 s). */
  staleErasureMs?: number;
}

const REF = /^sha256:([0-9a-f]{64})$/;
const PUT_ATTEMPTS = 5;
/** A streamed put's part file older than this was left by a process that died: removed. */
const STALE_PART_MS = 24 * 3_600_000;

interface Paths {
  dir: string;
  object: string;
  meta: string;
}

/**
 * Objects at `<root>/objects/<first 2 hex>/<other 62 hex>`, their metadata as JSON beside them
 * (`<…>.json`), in the format of infra/document-envelope.ts: encrypted under a data key of their
 * own, wrapped by the keyring. The metadata is written before the object and deleted after it, so
 * an object file that exists always has its metadata. Claims: infra/document-claims.ts.
 *
 * Metadata belongs to the first put of some bytes: a later put of the same bytes under another
 * name or media type changes nothing and returns the stored document.
 */
export class FileDocumentStore implements DocumentStore {
  private readonly claims: DocumentClaims;
  private staleSwept = false;

  constructor(
    private readonly root: string,
    private readonly keyring: LiveKeyring,
    options: FileDocumentStoreOptions = {},
  ) {
    this.claims = new DocumentClaims(root, options.staleErasureMs ?? 30_000);
  }

  async put(content: Uint8Array, meta: DocumentMeta): Promise<StoredDocument> {
    checkMeta(meta);
    const sha256 = hashOf(content);
    const paths = this.pathsFor(sha256);
    await this.claims.waitWhileErasing(sha256);
    mkdirSync(paths.dir, { recursive: true });
    for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
      const entry = await this.readEntry(paths, sha256);
      if (entry?.kind === 'sealed') return this.completeObject(paths, entry, content);
      if (entry?.kind === 'legacy' && exists(paths.object)) return entry.document;
      if (entry) await this.claims.exclusively(sha256, () => this.discardUnusable(paths, sha256));
      else {
        const created = await this.create(paths, sha256, content, meta);
        if (created) return created;
      }
    }
    throw new Error(`document sha256:${sha256} could not be stored: its files kept changing under this put`);
  }

  /**
   * The source is sealed into `<root>/incoming/<uuid>.part` under a new data key as it arrives, and
   * hashed on the way; at its end the part becomes the object, behind its metadata as in put().
   */
  async putStream(source: AsyncIterable<Uint8Array>, meta: DocumentMeta): Promise<StoredDocument> {
    checkMeta(meta);
    const incoming = join(this.root, 'incoming');
    await mkdir(incoming, { recursive: true });
    await this.sweepStaleParts(incoming);
    const part = join(incoming, `${randomUUID()}.part`);
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const { sha256, size } = await writeSealedPart(part, dataKey, source);
      return await this.adoptPart(part, dataKey, sha256, { ...meta, size });
    } finally {
      await rm(part, { force: true });
    }
  }

  async get(ref: string): Promise<{ content: Uint8Array; meta: StoredDocument } | null> {
    const sha256 = parseRef(ref);
    const paths = this.pathsFor(sha256);
    const entry = await this.readEntry(paths, sha256);
    if (!entry) return this.missingMetadata(paths, sha256);
    if (entry.kind === 'destroyed') return null;
    const object = await readObjectIfExists(paths.object);
    if (!object) return null;
    return { content: openObject(entry, object), meta: entry.document };
  }

  async has(ref: string): Promise<boolean> {
    return this.isStored(parseRef(ref));
  }

  async describe(ref: string): Promise<StoredDocument | null> {
    const sha256 = parseRef(ref);
    const paths = this.pathsFor(sha256);
    const entry = await this.readEntry(paths, sha256);
    if (!entry) return this.missingMetadata(paths, sha256);
    if (entry.kind === 'destroyed' || !exists(paths.object)) return null;
    return entry.document;
  }

  async claim(ref: string, dossierCode: string): Promise<boolean> {
    checkDossierCode(dossierCode);
    const sha256 = parseRef(ref);
    this.claims.add(sha256, dossierCode);
    // An erasure that began before this claim was seen decides first: the document may be gone after it.
    await this.claims.waitWhileErasing(sha256);
    if (this.isStored(sha256)) return true;
    this.claims.release(sha256, dossierCode);
    this.claims.unindex(sha256, dossierCode);
    return false;
  }

  async eraseDossier(dossierCode: string): Promise<DossierErasure> {
    checkDossierCode(dossierCode);
    const erasure: DossierErasure = { released: [], destroyed: [] };
    for (const sha256 of this.claims.claimedBy(dossierCode)) {
      this.claims.release(sha256, dossierCode);
      const destroyed = await this.claims.ifUnclaimed(sha256, () => this.destroy(sha256));
      // Unindexed last: an erasure stopped half-way is finished by erasing the dossier again.
      this.claims.unindex(sha256, dossierCode);
      if (destroyed) {
        erasure.destroyed.push(documentRef(sha256));
        this.claims.tidyOwners(sha256);
      }
      erasure.released.push(documentRef(sha256));
    }
    this.claims.tidyIndex(dossierCode);
    return erasure;
  }

  private isStored(sha256: string): boolean {
    const paths = this.pathsFor(sha256);
    const metadata = this.readMetadata(paths, sha256);
    return metadata !== null && metadata.kind !== 'destroyed' && exists(paths.object);
  }

  /** The new document's metadata, unless another put created one first (then null). */
  private async create(
    paths: Paths,
    sha256: string,
    content: Uint8Array,
    meta: DocumentMeta,
  ): Promise<StoredDocument | null> {
    const sealed = sealDocument(this.keyring.active, sha256, content, meta);
    if (!createExclusively(paths.meta, sealed.metadata)) return null;
    await writeAtomically(paths.object, sealed.object);
    return sealed.document;
  }

  /** A streamed part, hashed: it becomes the document's object unless the document is stored already. */
  private async adoptPart(
    part: string,
    dataKey: Buffer,
    sha256: string,
    meta: DocumentMeta & { size: number },
  ): Promise<StoredDocument> {
    const paths = this.pathsFor(sha256);
    await this.claims.waitWhileErasing(sha256);
    mkdirSync(paths.dir, { recursive: true });
    for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
      const entry = await this.readEntry(paths, sha256);
      if (entry?.kind === 'sealed') {
        if (exists(paths.object)) return entry.document;
        // A put stopped before its object: written under that document's key (rare, so read whole).
        return this.completeObject(paths, entry, await openPart(part, dataKey));
      }
      if (entry?.kind === 'legacy' && exists(paths.object)) return entry.document;
      if (entry) await this.claims.exclusively(sha256, () => this.discardUnusable(paths, sha256));
      else {
        const sealed = sealMetadata(this.keyring.active, dataKey, STREAMED_FORMAT, sha256, meta);
        if (createExclusively(paths.meta, sealed.metadata)) {
          await rename(part, paths.object);
          return sealed.document;
        }
      }
    }
    throw new Error(`document sha256:${sha256} could not be stored: its files kept changing under this put`);
  }

  /** Once per store: part files of streamed puts whose process died. */
  private async sweepStaleParts(incoming: string): Promise<void> {
    if (this.staleSwept) return;
    this.staleSwept = true;
    const cutoff = Date.now() - STALE_PART_MS;
    for (const name of await readdir(incoming)) {
      const path = join(incoming, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  /** A document whose metadata exists: its object is written if a put stopped before it. */
  private async completeObject(
    paths: Paths,
    entry: Extract<DocumentEntry, { kind: 'sealed' }>,
    content: Uint8Array,
  ): Promise<StoredDocument> {
    if (!exists(paths.object)) {
      await writeAtomically(
        paths.object,
        sealObject(entry.dataKey, entry.format, entry.document.sha256, content),
      );
    }
    return entry.document;
  }

  /** Metadata no put can complete: left by an erasure that stopped, or a legacy one without its object. */
  private async discardUnusable(paths: Paths, sha256: string): Promise<void> {
    const metadata = this.readMetadata(paths, sha256);
    if (metadata?.kind === 'destroyed' || (metadata?.kind === 'legacy' && !exists(paths.object))) {
      rmSync(paths.object, { force: true });
      rmSync(paths.meta, { force: true });
    }
  }

  /** Crypto-shredding: the metadata (wrapped key, sealed name) is overwritten in place, then both files go. */
  private async destroy(sha256: string): Promise<boolean> {
    const paths = this.pathsFor(sha256);
    const metadata = readMetadataFile(paths.meta);
    const object = await stat(paths.object).catch(() => null);
    if (metadata) {
      if (object && !isSealed(metadata, sha256))
        await overwriteInPlace(paths.object, Buffer.alloc(object.size));
      await overwriteInPlace(paths.meta, Buffer.from(destroyedMetadata(sha256).padEnd(metadata.byteLength)));
    }
    await rm(paths.object, { force: true });
    await rm(paths.meta, { force: true });
    return metadata !== null || object !== null;
  }

  private async readEntry(paths: Paths, sha256: string): Promise<DocumentEntry | null> {
    const metadata = this.readMetadata(paths, sha256);
    return metadata && openMetadata(this.keyring, metadata);
  }

  private readMetadata(paths: Paths, sha256: string): ParsedMetadata | null {
    const text = readMetadataFile(paths.meta);
    return text && parseMetadata(text.toString('utf8'), sha256);
  }

  private missingMetadata(paths: Paths, sha256: string): null {
    if (exists(paths.object)) {
      throw new DocumentCorruptedError(`document sha256:${sha256} is corrupted: its metadata is missing`);
    }
    return null;
  }

  private pathsFor(sha256: string): Paths {
    const dir = join(this.root, 'objects', sha256.slice(0, 2));
    const object = join(dir, sha256.slice(2));
    return { dir, object, meta: `${object}.json` };
  }
}

export function parseRef(ref: string): string {
  const match = REF.exec(ref);
  if (!match?.[1]) throw new RangeError(`"${ref}" is not a document reference sha256:<64 lower-case hex>`);
  return match[1];
}

function checkMeta(meta: DocumentMeta): void {
  if (!/^[\w.+-]+\/[\w.+-]+/.test(meta.mediaType)) {
    throw new RangeError(`media type "${meta.mediaType}" must look like type/subtype, e.g. application/pdf`);
  }
  if (meta.name.trim() === '') throw new RangeError('document name must not be empty');
}

/** A document's owner: a dossier, or a citizen's draft (its uploads, until submitted or removed). */
function checkDossierCode(code: string): void {
  if (!isDossierCode(code) && !DRAFT_ID.test(code))
    throw new RangeError(`"${code}" is not a dossier code or a draft id`);
}

/** Whether the object beside this metadata is ciphertext (not a legacy plaintext, nor unknown). */
function isSealed(metadata: Uint8Array, sha256: string): boolean {
  try {
    return parseMetadata(Buffer.from(metadata).toString('utf8'), sha256).kind !== 'legacy';
  } catch {
    return false;
  }
}

/** Seals the source into a new part file as it arrives; its plaintext's hash and size. */
async function writeSealedPart(
  part: string,
  dataKey: Buffer,
  source: AsyncIterable<Uint8Array>,
): Promise<{ sha256: string; size: number }> {
  const sealing = sealingStream(dataKey, streamedObjectContext());
  const hash = createHash('sha256');
  let size = 0;
  const file = await open(part, 'wx');
  try {
    const append = async (bytes: Buffer) => {
      for (let at = 0; at < bytes.byteLength; ) at += (await file.write(bytes, at)).bytesWritten;
    };
    await append(sealing.header);
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.byteLength;
      await append(sealing.update(chunk));
    }
    await append(sealing.final());
  } finally {
    await file.close();
  }
  return { sha256: hash.digest('hex'), size };
}

async function openPart(part: string, dataKey: Buffer): Promise<Buffer> {
  return openSealed(dataKey, await readFile(part), streamedObjectContext(), 'a streamed upload');
}

/** Files up to this size are written synchronously, like the metadata (a slip, a result PDF). */
const SMALL_OBJECT_BYTES = 64 * 1024;

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    if (data.length <= SMALL_OBJECT_BYTES) {
      writeFileSync(temp, data, { flag: 'wx' });
      renameSync(temp, path);
    } else {
      await writeFile(temp, data, { flag: 'wx' });
      await rename(temp, path);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes metadata like writeAtomically, but never replaces an existing file: false if `path` exists. */
function createExclusively(path: string, data: string): boolean {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Writes over a file's own blocks (not a new file renamed over it) and syncs, before it is deleted. */
async function overwriteInPlace(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(data, 0, data.byteLength, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** A metadata file (a few hundred bytes), read synchronously like the claim markers (document-claims.ts). */
function readMetadataFile(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** An object file, of any size: read without holding the event loop. */
async function readObjectIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
