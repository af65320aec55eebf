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
 *
 * The markers are empty files on local disk, so they are made, read and removed with synchronous
 * calls: one costs about a sixth of the CPU of its fs/promises twin (a thread-pool round trip and a
 * FileHandle each; BENCHMARKS.md) and holds the event loop for a system call's time.
 */
import { closeSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ERASING = 'erasing';
const POLL_MS = 20;

export class DocumentClaims {
  constructor(
    private readonly root: string,
    private readonly staleMs: number,
  ) {}

  add(sha256: string, dossierCode: string): void {
    writeMarker(this.indexDir(dossierCode), sha256, 'w');
    writeMarker(this.ownersDir(sha256), dossierCode, 'w');
  }

  release(sha256: string, dossierCode: string): void {
    rmSync(join(this.ownersDir(sha256), dossierCode), { force: true });
  }

  unindex(sha256: string, dossierCode: string): void {
    rmSync(join(this.indexDir(dossierCode), sha256), { force: true });
  }

  /** The hashes of the documents a dossier claims. */
  claimedBy(dossierCode: string): string[] {
    return listIfExists(this.indexDir(dossierCode)).filter((name) => /^[0-9a-f]{64}$/.test(name));
  }

  owners(sha256: string): string[] {
    return listIfExists(this.ownersDir(sha256)).filter((name) => name !== ERASING);
  }

  /** Runs `action` holding the document's erasing marker, if no dossier claims the document. */
  async ifUnclaimed<T>(sha256: string, action: () => Promise<T>): Promise<T | undefined> {
    if (this.owners(sha256).length > 0) return undefined;
    // Checked again under the marker: a claim made after the first look makes the action wait or not run.
    return this.exclusively(sha256, async () => (this.owners(sha256).length > 0 ? undefined : action()));
  }

  /** Runs `action` holding the document's erasing marker (after any other holder is done). */
  async exclusively<T>(sha256: string, action: () => Promise<T>): Promise<T> {
    while (!this.mark(sha256)) await this.waitWhileErasing(sha256);
    try {
      return await action();
    } finally {
      rmSync(join(this.ownersDir(sha256), ERASING), { force: true });
    }
  }

  async waitWhileErasing(sha256: string): Promise<void> {
    while (this.erasingSince(sha256, (age) => age < this.staleMs)) await sleep(POLL_MS);
  }

  /** Removes a destroyed document's owner directory, if empty (a claim arriving meanwhile creates it again). */
  tidyOwners(sha256: string): void {
    removeDirIfEmpty(this.ownersDir(sha256));
  }

  /** Removes an erased dossier's index directory, if empty. */
  tidyIndex(dossierCode: string): void {
    removeDirIfEmpty(this.indexDir(dossierCode));
  }

  private mark(sha256: string): boolean {
    try {
      writeMarker(this.ownersDir(sha256), ERASING, 'wx');
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (this.erasingSince(sha256, (age) => age >= this.staleMs)) {
        rmSync(join(this.ownersDir(sha256), ERASING), { force: true });
      }
      return false;
    }
  }

  private erasingSince(sha256: string, matches: (ageMs: number) => boolean): boolean {
    const marker = statSync(join(this.ownersDir(sha256), ERASING), { throwIfNoEntry: false });
    return marker !== undefined && matches(Date.now() - marker.mtimeMs);
  }

  private ownersDir(sha256: string): string {
    return join(this.root, 'owners', sha256.slice(0, 2), sha256.slice(2));
  }

  private indexDir(dossierCode: string): string {
    return join(this.root, 'dossiers', dossierCode);
  }
}

/**
 * An empty marker file. Its directory is made first (a no-op when it exists), and again if a tidy
 * removed it before the file was opened.
 */
function writeMarker(dir: string, name: string, flag: 'w' | 'wx'): void {
  for (let attempt = 1; ; attempt++) {
    try {
      mkdirSync(dir, { recursive: true });
      closeSync(openSync(join(dir, name), flag));
      return;
    } catch (error) {
      // mkdir too can meet ENOENT: a tidy may remove a parent while it creates the path.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw error;
    }
  }
}

function removeDirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (a claim arrived meanwhile) or already gone.
  }
}

function listIfExists(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
