/**
 * Which dossiers use each stored document, kept as marker files so that worker processes sharing
 * the store never read-modify-write a shared file:
 *
 * - `owners/<2 hex>/<62 hex>/<dossier code>`: the dossier claims the document;
 * - `dossiers/<dossier code>/<sha256>`: the dossier's index of its claims (erasure reads it instead
 *   of scanning the store); written before the owner marker, removed after it;
 * - `owners/<2 hex>/<62 hex>/erasing`: a destructive change of the document is under way (its last
 *   claim was released and it is being destroyed). Claims and puts wait while it exists; one left by
 *   a process that died counts as abandoned after `staleMs`.
 */
import { mkdir, open, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ERASING = 'erasing';
const POLL_MS = 20;

export class DocumentClaims {
  constructor(
    private readonly root: string,
    private readonly staleMs: number,
  ) {}

  async add(sha256: string, dossierCode: string): Promise<void> {
    await writeMarker(this.indexDir(dossierCode), sha256, 'w');
    await writeMarker(this.ownersDir(sha256), dossierCode, 'w');
  }

  async release(sha256: string, dossierCode: string): Promise<void> {
    await rm(join(this.ownersDir(sha256), dossierCode), { force: true });
  }

  async unindex(sha256: string, dossierCode: string): Promise<void> {
    await rm(join(this.indexDir(dossierCode), sha256), { force: true });
  }

  /** The hashes of the documents a dossier claims. */
  async claimedBy(dossierCode: string): Promise<string[]> {
    return (await listIfExists(this.indexDir(dossierCode))).filter((name) => /^[0-9a-f]{64}$/.test(name));
  }

  async owners(sha256: string): Promise<string[]> {
    return (await listIfExists(this.ownersDir(sha256))).filter((name) => name !== ERASING);
  }

  /** Runs `action` holding the document's erasing marker, if no dossier claims the document. */
  async ifUnclaimed<T>(sha256: string, action: () => Promise<T>): Promise<T | undefined> {
    if ((await this.owners(sha256)).length > 0) return undefined;
    // Checked again under the marker: a claim made after the first look makes the action wait or not run.
    return this.exclusively(sha256, async () =>
      (await this.owners(sha256)).length > 0 ? undefined : action(),
    );
  }

  /** Runs `action` holding the document's erasing marker (after any other holder is done). */
  async exclusively<T>(sha256: string, action: () => Promise<T>): Promise<T> {
    while (!(await this.mark(sha256))) await this.waitWhileErasing(sha256);
    try {
      return await action();
    } finally {
      await rm(join(this.ownersDir(sha256), ERASING), { force: true });
    }
  }

  async waitWhileErasing(sha256: string): Promise<void> {
    while (await this.erasingSince(sha256, (age) => age < this.staleMs)) await sleep(POLL_MS);
  }

  /** Removes a destroyed document's owner directory, if empty (a claim arriving meanwhile creates it again). */
  async tidyOwners(sha256: string): Promise<void> {
    await rmdir(this.ownersDir(sha256)).catch(() => undefined);
  }

  /** Removes an erased dossier's index directory, if empty. */
  async tidyIndex(dossierCode: string): Promise<void> {
    await rmdir(this.indexDir(dossierCode)).catch(() => undefined);
  }

  private async mark(sha256: string): Promise<boolean> {
    try {
      await writeMarker(this.ownersDir(sha256), ERASING, 'wx');
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await this.erasingSince(sha256, (age) => age >= this.staleMs)) {
        await rm(join(this.ownersDir(sha256), ERASING), { force: true });
      }
      return false;
    }
  }

  private async erasingSince(sha256: string, matches: (ageMs: number) => boolean): Promise<boolean> {
    try {
      const { mtimeMs } = await stat(join(this.ownersDir(sha256), ERASING));
      return matches(Date.now() - mtimeMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private ownersDir(sha256: string): string {
    return join(this.root, 'owners', sha256.slice(0, 2), sha256.slice(2));
  }

  private indexDir(dossierCode: string): string {
    return join(this.root, 'dossiers', dossierCode);
  }
}

/**
 * An empty marker file. Its directory is made only when missing (most markers go into one that
 * exists), and again if a tidy removed it meanwhile.
 */
async function writeMarker(dir: string, name: string, flag: 'w' | 'wx'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await (await open(join(dir, name), flag)).close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw error;
    }
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      // mkdir too can meet ENOENT: a tidy may remove a parent while it creates the path.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function listIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
