/**
 * Content-addressed document storage. FileDocumentStore is the embedded default on local disk; a
 * real document management system can replace it behind the DocumentStore interface.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

export interface DocumentStore {
  /** Stores the bytes; storing the same bytes again returns the document already stored. */
  put(content: Uint8Array, meta: DocumentMeta): Promise<StoredDocument>;
  get(ref: string): Promise<{ content: Uint8Array; meta: StoredDocument } | null>;
  has(ref: string): Promise<boolean>;
}

export class DocumentCorruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentCorruptedError';
  }
}

const REF = /^sha256:([0-9a-f]{64})$/;

export function documentRef(sha256: string): string {
  return `sha256:${sha256}`;
}

/**
 * Objects at `<root>/objects/<first 2 hex>/<other 62 hex>`, their metadata as JSON beside them
 * (`<…>.json`). Each file is written to a temporary name and renamed into place; the metadata is
 * written first, so an object file that exists always has its metadata.
 *
 * Metadata belongs to the first put of some bytes: a later put of the same bytes under another
 * name or media type changes nothing and returns the stored document.
 */
export class FileDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  async put(content: Uint8Array, meta: DocumentMeta): Promise<StoredDocument> {
    checkMeta(meta);
    const sha256 = hashOf(content);
    const paths = this.pathsFor(sha256);
    if (await exists(paths.object)) return this.readMeta(paths.meta, sha256);
    const document: StoredDocument = {
      ref: documentRef(sha256),
      sha256,
      size: content.byteLength,
      mediaType: meta.mediaType,
      name: meta.name,
    };
    await mkdir(paths.dir, { recursive: true });
    await writeAtomically(paths.meta, `${JSON.stringify(document, null, 2)}\n`);
    await writeAtomically(paths.object, content);
    return document;
  }

  async get(ref: string): Promise<{ content: Uint8Array; meta: StoredDocument } | null> {
    const sha256 = parseRef(ref);
    const paths = this.pathsFor(sha256);
    const content = await readIfExists(paths.object);
    if (!content) return null;
    const actual = hashOf(content);
    if (actual !== sha256) {
      throw new DocumentCorruptedError(
        `document ${ref} is corrupted: its stored bytes hash to sha256:${actual}`,
      );
    }
    return { content, meta: await this.readMeta(paths.meta, sha256) };
  }

  has(ref: string): Promise<boolean> {
    return exists(this.pathsFor(parseRef(ref)).object);
  }

  private pathsFor(sha256: string): { dir: string; object: string; meta: string } {
    const dir = join(this.root, 'objects', sha256.slice(0, 2));
    const object = join(dir, sha256.slice(2));
    return { dir, object, meta: `${object}.json` };
  }

  private async readMeta(path: string, sha256: string): Promise<StoredDocument> {
    let meta: StoredDocument;
    try {
      meta = JSON.parse(await readFile(path, 'utf8')) as StoredDocument;
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new DocumentCorruptedError(`metadata of document sha256:${sha256} is not valid JSON`);
      }
      throw error;
    }
    if (meta.sha256 !== sha256) {
      throw new DocumentCorruptedError(`metadata of document sha256:${sha256} names sha256:${meta.sha256}`);
    }
    return meta;
  }
}

export function parseRef(ref: string): string {
  const match = REF.exec(ref);
  if (!match?.[1]) throw new RangeError(`"${ref}" is not a document reference sha256:<64 lower-case hex>`);
  return match[1];
}

function hashOf(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

function checkMeta(meta: DocumentMeta): void {
  if (!/^[\w.+-]+\/[\w.+-]+/.test(meta.mediaType)) {
    throw new RangeError(`media type "${meta.mediaType}" must look like type/subtype, e.g. application/pdf`);
  }
  if (meta.name.trim() === '') throw new RangeError('document name must not be empty');
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function readIfExists(path: string): Promise<Uint8Array | null> {
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
