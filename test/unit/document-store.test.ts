import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentCorruptedError, FileDocumentStore } from '../../infra/document-store.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('FileDocumentStore', () => {
  let root: string;
  let store: FileDocumentStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tthc-docs-'));
    store = new FileDocumentStore(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('stores and returns a document by its hash', async () => {
    const content = bytes('Giấy khai sinh — bản sao');
    const sha256 = createHash('sha256').update(content).digest('hex');
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
    const [twice] = await Promise.all([
      store.put(bytes('raced'), { mediaType: 'text/plain', name: 'r.txt' }),
      store.put(bytes('raced'), { mediaType: 'text/plain', name: 'r.txt' }),
    ]);
    const dir = join(root, 'objects', twice.sha256.slice(0, 2));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('detects a corrupted object', async () => {
    const stored = await store.put(bytes('original'), { mediaType: 'text/plain', name: 'o.txt' });
    await writeFile(join(root, 'objects', stored.sha256.slice(0, 2), stored.sha256.slice(2)), 'tampered');
    await expect(store.get(stored.ref)).rejects.toThrow(DocumentCorruptedError);
    await expect(store.get(stored.ref)).rejects.toThrow(/corrupted/);
  });

  it('rejects metadata without a media type or name', async () => {
    await expect(store.put(bytes('x'), { mediaType: 'pdf', name: 'x' })).rejects.toThrow(/type\/subtype/);
    await expect(store.put(bytes('x'), { mediaType: 'text/plain', name: ' ' })).rejects.toThrow(/name/);
  });
});
