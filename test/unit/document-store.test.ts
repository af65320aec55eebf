import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionKeyring, KeyringFile, UnknownKeyError } from '../../encryption/encryption-keyring.js';
import { LiveKeyring } from '../../encryption/live-keyring.js';
import { destroyedMetadata } from '../../infra/document-envelope.js';
import {
  DocumentCorruptedError,
  FileDocumentStore,
  type StoredDocument,
} from '../../infra/document-store.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha256Of = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');
const fixedKeyring = (ring = EncryptionKeyring.generate()) =>
  LiveKeyring.of(ring, new KeyringFile('/nonexistent'));

const dossierA = '000.00.41.H99-260315-0001';
const dossierB = '000.00.41.H99-260315-0002';
const dossierC = '000.00.41.H99-260316-0001';

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('FileDocumentStore', () => {
  let root: string;
  let store: FileDocumentStore;
  const objectPath = (sha256: string) => join(root, 'objects', sha256.slice(0, 2), sha256.slice(2));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tthc-docs-'));
    store = new FileDocumentStore(root, fixedKeyring());
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('stores and returns a document by its hash', async () => {
    const content = bytes('Giấy khai sinh — bản sao');
    const sha256 = sha256Of(content);
    const stored = await store.put(content, { mediaType: 'application/pdf', name: 'khai-sinh.pdf' });
    expect(stored).toEqual({
      ref: `sha256:${sha256}`,
      sha256,
      size: content.byteLength,
      mediaType: 'application/pdf',
      name: 'khai-sinh.pdf',
    });
    expect(await store.has(stored.ref)).toBe(true);
    const read = await store.get(stored.ref);
    expect(read?.content).toEqual(content);
    expect(read?.meta).toEqual(stored);
    const objects = join(root, 'objects', sha256.slice(0, 2));
    expect((await readdir(objects)).sort()).toEqual([sha256.slice(2), `${sha256.slice(2)}.json`]);
  });

  it('returns null for an unknown document and rejects a malformed ref', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;
    expect(await store.get(unknown)).toBeNull();
    expect(await store.has(unknown)).toBe(false);
    await expect(store.get('md5:abc')).rejects.toThrow(/not a document reference/);
  });

  it('stores the same bytes once', async () => {
    const content = bytes('same bytes');
    const first = await store.put(content, { mediaType: 'text/plain', name: 'a.txt' });
    const again = await store.put(content, { mediaType: 'text/plain', name: 'b.txt' });
    expect(again).toEqual(first);
    const raced = await Promise.all(
      Array.from({ length: 8 }, () => store.put(bytes('raced'), { mediaType: 'text/plain', name: 'r.txt' })),
    );
    const [winner] = raced as [StoredDocument];
    for (const stored of raced) expect(stored).toEqual(winner);
    const dir = join(root, 'objects', winner.sha256.slice(0, 2));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Each racer had a data key of its own; the one whose metadata won encrypted the object.
    expect((await store.get(winner.ref))?.content).toEqual(bytes('raced'));
  });

  it('detects a corrupted object', async () => {
    const stored = await store.put(bytes('original'), { mediaType: 'text/plain', name: 'o.txt' });
    await writeFile(objectPath(stored.sha256), 'tampered');
    await expect(store.get(stored.ref)).rejects.toThrow(DocumentCorruptedError);
    await expect(store.get(stored.ref)).rejects.toThrow(/corrupted/);
  });

  it('rejects metadata without a media type or name', async () => {
    await expect(store.put(bytes('x'), { mediaType: 'pdf', name: 'x' })).rejects.toThrow(/type\/subtype/);
    await expect(store.put(bytes('x'), { mediaType: 'text/plain', name: ' ' })).rejects.toThrow(/name/);
  });
});

describe('FileDocumentStore encryption at rest', () => {
  let root: string;
  const ring = EncryptionKeyring.generate().rotated();
  let store: FileDocumentStore;
  const objectPath = (sha256: string) => join(root, 'objects', sha256.slice(0, 2), sha256.slice(2));
  const metaPath = (sha256: string) => `${objectPath(sha256)}.json`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tthc-docs-sealed-'));
    store = new FileDocumentStore(root, fixedKeyring(ring));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps no plaintext of a document or its name anywhere under the store', async () => {
    const secret = 'CĂN CƯỚC 079203001234 Nguyễn Thị Bí Mật, sinh ngày 02/09/1990';
    const name = 'cccd-nguyen-thi-bi-mat.pdf';
    const stored = await store.put(bytes(secret), { mediaType: 'application/pdf', name });
    expect(await store.claim(stored.ref, dossierA)).toBe(true);
    const needles = [secret, name, '079203001234', 'Bí Mật', 'bi-mat'].map((text) => Buffer.from(text));
    const files = await filesUnder(root);
    expect(files.length).toBeGreaterThanOrEqual(4); // object, metadata, owner marker, index entry
    for (const file of files) {
      const raw = await readFile(file);
      for (const needle of needles) {
        expect(raw.includes(needle), `${needle} in ${file}`).toBe(false);
        expect(file.includes(needle.toString()), `${needle} in the name ${file}`).toBe(false);
      }
    }
    const metadata = JSON.parse(await readFile(metaPath(stored.sha256), 'utf8'));
    expect(metadata).toMatchObject({ sha256: stored.sha256, keyId: ring.activeId });
    expect(Object.keys(metadata).sort()).toEqual(['description', 'format', 'keyId', 'sha256', 'wrappedKey']);
    expect(await store.get(stored.ref)).toEqual({ content: bytes(secret), meta: stored });
  });

  it('refuses a tampered object or metadata, never returning part of it', async () => {
    const tamperings: Array<[string, (sha256: string) => Promise<void>]> = [
      ['a flipped object byte', (s) => flip(objectPath(s), 20)],
      [
        'a truncated object',
        async (s) => writeFile(objectPath(s), (await readFile(objectPath(s))).subarray(0, 30)),
      ],
      ['a flipped wrapped key', (s) => editMeta(s, (m) => ({ ...m, wrappedKey: flipBase64(m.wrappedKey) }))],
      [
        'a flipped description',
        (s) => editMeta(s, (m) => ({ ...m, description: flipBase64(m.description) })),
      ],
      ['another key of the ring', (s) => editMeta(s, (m) => ({ ...m, keyId: ring.keys[0]?.id }))],
      ['another hash', (s) => editMeta(s, (m) => ({ ...m, sha256: '1'.repeat(64) }))],
      ['an unknown field', (s) => editMeta(s, (m) => ({ ...m, extra: 1 }))],
      ['not JSON', (s) => writeFile(metaPath(s), '{"format":')],
      ['another document’s metadata', async (s) => writeFile(metaPath(s), await readFile(metaPath(other)))],
    ];
    const other = (await store.put(bytes('other'), { mediaType: 'text/plain', name: 'other.txt' })).sha256;
    for (const [what, tamper] of tamperings) {
      const stored = await store.put(bytes(`tamper with ${what}`), {
        mediaType: 'text/plain',
        name: `${what}.txt`,
      });
      await tamper(stored.sha256);
      await expect(store.get(stored.ref), what).rejects.toThrow(DocumentCorruptedError);
    }

    async function editMeta(
      sha256: string,
      change: (m: { wrappedKey: string; description: string }) => object,
    ): Promise<void> {
      const metadata = JSON.parse(await readFile(metaPath(sha256), 'utf8'));
      await writeFile(metaPath(sha256), JSON.stringify(change(metadata)));
    }
  });

  it('names the wrapping key a keyring lacks', async () => {
    const stored = await store.put(bytes('under a key of the old ring'), {
      mediaType: 'text/plain',
      name: 'k.txt',
    });
    const elsewhere = new FileDocumentStore(root, fixedKeyring());
    const refused = await elsewhere.get(stored.ref).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnknownKeyError);
    expect((refused as UnknownKeyError).keyId).toBe(ring.activeId);
    expect((refused as Error).message).toContain(ring.activeId);
  });

  it('reads a document stored before encryption existed', async () => {
    const content = bytes('Giấy tờ cũ, chưa mã hoá');
    const sha256 = sha256Of(content);
    const legacy = {
      ref: `sha256:${sha256}`,
      sha256,
      size: content.byteLength,
      mediaType: 'application/pdf',
      name: 'giay-to-cu.pdf',
    };
    await mkdir(join(root, 'objects', sha256.slice(0, 2)), { recursive: true });
    await writeFile(metaPath(sha256), `${JSON.stringify(legacy, null, 2)}\n`);
    await writeFile(objectPath(sha256), content);
    expect(await store.get(legacy.ref)).toEqual({ content, meta: legacy });
    expect(await store.has(legacy.ref)).toBe(true);
    expect(await store.put(content, { mediaType: 'text/plain', name: 'again.txt' })).toEqual(legacy);
    await writeFile(objectPath(sha256), bytes('Giấy tờ cũ, đã bị sửa'));
    await expect(store.get(legacy.ref)).rejects.toThrow(DocumentCorruptedError);
    await writeFile(objectPath(sha256), content);

    expect(await store.claim(legacy.ref, dossierC)).toBe(true);
    expect(await store.eraseDossier(dossierC)).toEqual({ released: [legacy.ref], destroyed: [legacy.ref] });
    expect(await store.get(legacy.ref)).toBeNull();
    expect(await readdir(join(root, 'objects', sha256.slice(0, 2)))).not.toContain(sha256.slice(2));
  });

  it('treats an erasure stopped half-way as destroyed, and stores the same bytes again afresh', async () => {
    const content = bytes('erased, then uploaded again');
    const stored = await store.put(content, { mediaType: 'text/plain', name: 'again.txt' });
    await writeFile(metaPath(stored.sha256), destroyedMetadata(stored.sha256));
    expect(await store.get(stored.ref)).toBeNull();
    expect(await store.has(stored.ref)).toBe(false);
    expect(await store.claim(stored.ref, dossierC)).toBe(false);
    expect(await store.put(content, { mediaType: 'text/plain', name: 'new.txt' })).toMatchObject({
      name: 'new.txt',
    });
    expect((await store.get(stored.ref))?.content).toEqual(content);
  });
});

describe('FileDocumentStore ownership and erasure', () => {
  let root: string;
  let store: FileDocumentStore;
  let scans = 0;
  const put = () =>
    store.put(bytes(`scan ${++scans}`), { mediaType: 'application/pdf', name: `scan-${scans}.pdf` });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tthc-docs-owners-'));
    store = new FileDocumentStore(root, fixedKeyring(), { staleErasureMs: 500 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps a shared document until its last owner is erased; erasing again is harmless', async () => {
    const shared = await put();
    const own = await put();
    expect(await store.claim(shared.ref, dossierA)).toBe(true);
    expect(await store.claim(own.ref, dossierA)).toBe(true);
    expect(await store.claim(shared.ref, dossierA)).toBe(true); // idempotent
    expect(await store.claim(shared.ref, dossierB)).toBe(true);

    const first = await store.eraseDossier(dossierA);
    expect(first.released.sort()).toEqual([shared.ref, own.ref].sort());
    expect(first.destroyed).toEqual([own.ref]);
    expect(await store.get(own.ref)).toBeNull();
    expect(await store.has(own.ref)).toBe(false);
    expect((await store.get(shared.ref))?.meta).toEqual(shared);

    expect(await store.eraseDossier(dossierA)).toEqual({ released: [], destroyed: [] });
    expect(await store.eraseDossier(dossierB)).toEqual({ released: [shared.ref], destroyed: [shared.ref] });
    expect(await store.get(shared.ref)).toBeNull();
    expect(await store.eraseDossier(dossierB)).toEqual({ released: [], destroyed: [] });
    // Nothing of either document is left, not even their claims.
    expect(await filesUnder(root)).toEqual([]);
  });

  it('refuses to claim a document it does not hold, and leaves no claim behind', async () => {
    expect(await store.claim(`sha256:${'a'.repeat(64)}`, dossierA)).toBe(false);
    expect(await store.eraseDossier(dossierA)).toEqual({ released: [], destroyed: [] });
  });

  it('refuses what is not a dossier code', async () => {
    const stored = await put();
    for (const code of ['../../etc', 'owners', '000.00.41.H99-261332-0001', '']) {
      await expect(store.claim(stored.ref, code)).rejects.toThrow(/not a dossier code/);
      await expect(store.eraseDossier(code)).rejects.toThrow(/not a dossier code/);
    }
  });

  it('never lets a claim that succeeded be destroyed by a concurrent erasure', async () => {
    for (let round = 0; round < 5; round++) {
      const documents = await Promise.all(Array.from({ length: 20 }, put));
      for (const document of documents) await store.claim(document.ref, dossierA);
      const [claims] = await Promise.all([
        // Spread over the erasure's run, so that some claims arrive while their document is being decided.
        Promise.all(
          documents.map(async (document) => {
            await sleep(Math.random() * 15);
            return store.claim(document.ref, dossierB);
          }),
        ),
        store.eraseDossier(dossierA),
      ]);
      for (const [i, document] of documents.entries()) {
        expect(await store.has(document.ref), document.ref).toBe(claims[i]);
      }
      await store.eraseDossier(dossierB);
    }
  });

  it('does not wait for ever on the marker of an erasure whose process died', async () => {
    const stored = await put();
    const owners = join(root, 'owners', stored.sha256.slice(0, 2), stored.sha256.slice(2));
    await mkdir(owners, { recursive: true });
    await writeFile(join(owners, 'erasing'), '');
    const past = new Date(Date.now() - 60_000);
    await utimes(join(owners, 'erasing'), past, past);
    expect(await store.claim(stored.ref, dossierC)).toBe(true);
    expect(await store.eraseDossier(dossierC)).toEqual({ released: [stored.ref], destroyed: [stored.ref] });
  });
});

describe('FileDocumentStore.putStream (uploads)', () => {
  let root: string;
  let store: FileDocumentStore;
  const objectPath = (sha256: string) => join(root, 'objects', sha256.slice(0, 2), sha256.slice(2));
  const partsOnDisk = async () => {
    const incoming = join(root, 'incoming');
    const names = await readdir(incoming).catch(() => []);
    return Promise.all(names.map(async (name) => (await stat(join(incoming, name))).size));
  };
  const chunkOf = (i: number) => Buffer.alloc(64 * 1024, `Trang ${i} của bản quét CCCD 079203009999 `);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tthc-docs-stream-'));
    store = new FileDocumentStore(root, fixedKeyring());
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes each chunk sealed to disk as it arrives, and reads back the same bytes', async () => {
    const chunks = Array.from({ length: 32 }, (_, i) => chunkOf(i));
    const onDiskBeforeLast: number[] = [];
    async function* source() {
      for (const [i, chunk] of chunks.entries()) {
        if (i === chunks.length - 1) onDiskBeforeLast.push(...(await partsOnDisk()));
        yield chunk;
      }
    }
    const stored = await store.putStream(source(), { mediaType: 'application/pdf', name: 'ban-quet.pdf' });
    const content = Buffer.concat(chunks);
    expect(stored).toEqual({
      ref: `sha256:${sha256Of(content)}`,
      sha256: sha256Of(content),
      size: content.byteLength,
      mediaType: 'application/pdf',
      name: 'ban-quet.pdf',
    });
    // Before the last chunk was given, the 31 before it were already on disk (sealed: nonce + bytes).
    expect(onDiskBeforeLast).toEqual([12 + 31 * 64 * 1024]);
    // Buffer.equals: vitest's toEqual walks 2 MiB byte by byte.
    expect(Buffer.from((await store.get(stored.ref))?.content ?? []).equals(content)).toBe(true);
    expect(await partsOnDisk()).toEqual([]);
    const object = await readFile(objectPath(stored.sha256));
    expect(object.byteLength).toBe(12 + content.byteLength + 16);
    expect(object.includes(Buffer.from('079203009999'))).toBe(false);
    expect(JSON.parse(await readFile(`${objectPath(stored.sha256)}.json`, 'utf8')).format).toBe(
      'tthc-document/aes-256-gcm-streamed/1',
    );
  });

  it('stores the same bytes once, whether put whole or streamed first', async () => {
    const first = Buffer.from('Giấy đề nghị — streamed first');
    const streamed = await store.putStream(oneChunk(first), { mediaType: 'application/pdf', name: 'a.pdf' });
    expect(await store.put(first, { mediaType: 'application/pdf', name: 'b.pdf' })).toEqual(streamed);

    const second = Buffer.from('Giấy đề nghị — put whole first');
    const whole = await store.put(second, { mediaType: 'application/pdf', name: 'c.pdf' });
    expect(await store.putStream(oneChunk(second), { mediaType: 'application/pdf', name: 'd.pdf' })).toEqual(
      whole,
    );
    expect(Buffer.from((await store.get(whole.ref))?.content ?? [])).toEqual(second);
    expect(await partsOnDisk()).toEqual([]);
  });

  it('stores nothing when the source fails half-way, and rethrows its error', async () => {
    const before = await filesUnder(root);
    async function* cutOff() {
      yield chunkOf(1);
      yield chunkOf(2);
      throw new Error('connection reset');
    }
    await expect(store.putStream(cutOff(), { mediaType: 'image/png', name: 'x.png' })).rejects.toThrow(
      'connection reset',
    );
    expect(await filesUnder(root)).toEqual(before);
    const half = Buffer.concat([chunkOf(1), chunkOf(2)]);
    expect(await store.has(`sha256:${sha256Of(half)}`)).toBe(false);
  });

  it('refuses a streamed object that was tampered with', async () => {
    const stored = await store.putStream(oneChunk(Buffer.from('bản quét sẽ bị sửa')), {
      mediaType: 'image/jpeg',
      name: 'sua.jpg',
    });
    await flip(objectPath(stored.sha256), 14);
    await expect(store.get(stored.ref)).rejects.toThrow(DocumentCorruptedError);
  });
});

async function* oneChunk(content: Uint8Array): AsyncGenerator<Uint8Array> {
  yield content;
}

async function flip(path: string, at: number): Promise<void> {
  const raw = await readFile(path);
  raw[at] = (raw[at] ?? 0) ^ 0x01;
  await writeFile(path, raw);
}

function flipBase64(text: string): string {
  const raw = Buffer.from(text, 'base64');
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01;
  return raw.toString('base64');
}
