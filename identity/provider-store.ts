/**
 * The embedded provider's storage (an `oidc-provider` adapter): sessions, interactions, grants,
 * device codes and issued tokens, in memory and, with a data directory, in `<dir>/store.json`
 * (mode 0600, written shortly after each change) so that a restart of `npm start` keeps the
 * provider's sessions and grants. Expired entries are dropped.
 */
import { readFileSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Entry {
  payload: Record<string, unknown>;
  /** Epoch ms; undefined: no expiry. */
  expiresAt?: number;
}

/** One store per provider; `adapterClass()` is what the provider's configuration takes. */
export class ProviderStore {
  private readonly entries = new Map<string, Entry>();
  private readonly file?: string;
  private writing?: Promise<void>;
  private dirty = false;

  constructor(dir?: string) {
    if (!dir) return;
    this.file = join(dir, 'store.json');
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Entry>;
      for (const [key, entry] of Object.entries(saved)) this.entries.set(key, entry);
    } catch {
      // No store yet (first start) or an unreadable one: the provider starts empty.
    }
  }

  /** The adapter class oidc-provider instantiates once per model name. */
  adapterClass(): new (name: string) => unknown {
    const store = this;
    return class StoreAdapter {
      constructor(private readonly name: string) {}
      private key(id: string) {
        return `${this.name}:${id}`;
      }
      async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        store.set(this.key(id), payload, expiresIn);
        if (payload.grantId) store.index(`grant:${String(payload.grantId)}`, this.key(id), expiresIn);
        if (payload.userCode) store.index(`userCode:${String(payload.userCode)}`, this.key(id), expiresIn);
        if (payload.uid) store.index(`uid:${String(payload.uid)}`, this.key(id), expiresIn);
      }
      async find(id: string) {
        return store.get(this.key(id));
      }
      async findByUserCode(userCode: string) {
        return store.byIndex(`userCode:${userCode}`);
      }
      async findByUid(uid: string) {
        return store.byIndex(`uid:${uid}`);
      }
      async consume(id: string) {
        const payload = store.get(this.key(id));
        if (payload) store.set(this.key(id), { ...payload, consumed: Math.floor(Date.now() / 1000) });
      }
      async destroy(id: string) {
        store.delete(this.key(id));
      }
      async revokeByGrantId(grantId: string) {
        const keys = store.get(`grant:${grantId}`) as { keys?: string[] } | undefined;
        for (const key of keys?.keys ?? []) store.delete(key);
        store.delete(`grant:${grantId}`);
      }
    };
  }

  /** Waits for the last write (on shutdown). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private set(key: string, payload: Record<string, unknown>, expiresIn?: number): void {
    const previous = this.entries.get(key);
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : previous?.expiresAt;
    this.entries.set(key, { payload, expiresAt });
    this.changed();
  }

  private get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      this.changed();
      return undefined;
    }
    return entry.payload;
  }

  private delete(key: string): void {
    if (this.entries.delete(key)) this.changed();
  }

  private index(name: string, key: string, expiresIn?: number): void {
    if (name.startsWith('grant:')) {
      const keys = (this.get(name) as { keys?: string[] } | undefined)?.keys ?? [];
      if (!keys.includes(key)) this.set(name, { keys: [...keys, key] }, expiresIn);
    } else {
      this.set(name, { key }, expiresIn);
    }
  }

  private byIndex(name: string): Record<string, unknown> | undefined {
    const pointer = this.get(name) as { key?: string } | undefined;
    return pointer?.key ? this.get(pointer.key) : undefined;
  }

  private changed(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.writing) return;
    this.writing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      while (this.dirty) {
        this.dirty = false;
        const now = Date.now();
        const live = Object.fromEntries(
          [...this.entries].filter(([, entry]) => entry.expiresAt === undefined || entry.expiresAt > now),
        );
        const temporary = `${this.file}.tmp`;
        await writeFile(temporary, JSON.stringify(live), { mode: 0o600 });
        await chmod(temporary, 0o600);
        await rename(temporary, this.file as string);
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        this.writing = undefined;
      });
  }
}
