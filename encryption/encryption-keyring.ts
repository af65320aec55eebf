/**
 * The encryption keyring: the AES-256 key-encryption keys of tthc-flow (one active, older ones kept
 * for decryption) and the secret that turns an applicant's identifier into a pseudonym. Everything
 * personal the system keeps is encrypted under a key of this ring, directly or through a data key
 * it wraps (encryption/data-keys.ts, the document store).
 *
 * The ring comes from a JSON file (mode 0600; `npm start` creates it in the data directory) or from
 * the environment (`TTHC_KEYRING`, the same JSON). A KMS plugs in as another `KeyringSource`
 * (docs/operations.md, "Personal data").
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const KEY_BYTES = 32;
const KEY_ID = /^k[0-9]{8}-[0-9a-f]{8}$/;

const base64Key = z
  .string(`must be ${KEY_BYTES} bytes in base64`)
  .regex(/^[A-Za-z0-9+/]{43}=$/, `must be ${KEY_BYTES} bytes in base64`)
  .transform((text) => Buffer.from(text, 'base64'));

const keyEntrySchema = z.strictObject({
  id: z.string().regex(KEY_ID, 'must look like k20261206-1a2b3c4d (k, the creation date, 8 hex digits)'),
  key: base64Key,
  createdAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant' }),
});

export const keyringFileSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1'),
    active: z.string('must name the active key').min(1, 'must name the active key'),
    keys: z.array(keyEntrySchema, 'must be a list of keys').min(1, 'must hold at least one key'),
    /** HMAC secret of the applicant pseudonyms (never rotated: a new one would forget every applicant). */
    pseudonymSecret: base64Key,
  })
  .superRefine((ring, ctx) => {
    const ids = ring.keys.map((k) => k.id);
    if (!ids.includes(ring.active)) {
      ctx.addIssue({
        code: 'custom',
        path: ['active'],
        message: `names no key of the ring (${ring.active})`,
      });
    }
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', path: ['keys'], message: `holds key ${duplicate} twice` });
  });

export interface KeyringKey {
  id: string;
  key: Buffer;
  createdAt: string;
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** A key id the ring does not hold: a payload or data key encrypted under a key this process lacks. */
export class UnknownKeyError extends KeyringError {
  override name = 'UnknownKeyError';
  constructor(readonly keyId: string) {
    super(
      `encryption key ${keyId} is not in this process's keyring (a key removed, or a keyring out of date)`,
    );
  }
}

export class EncryptionKeyring {
  private readonly byId: ReadonlyMap<string, KeyringKey>;

  constructor(
    readonly keys: readonly KeyringKey[],
    readonly activeId: string,
    readonly pseudonymSecret: Buffer,
  ) {
    this.byId = new Map(keys.map((k) => [k.id, k]));
    if (!this.byId.has(activeId)) throw new KeyringError(`the active key ${activeId} is not in the keyring`);
  }

  get active(): KeyringKey {
    return this.byId.get(this.activeId) as KeyringKey;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  key(id: string): KeyringKey {
    const found = this.byId.get(id);
    if (!found) throw new UnknownKeyError(id);
    return found;
  }

  /** A ring with a new active key; the others stay for decryption. */
  rotated(now: Date = new Date()): EncryptionKeyring {
    const fresh = newKey(now);
    return new EncryptionKeyring([...this.keys, fresh], fresh.id, this.pseudonymSecret);
  }

  /** What `tthc keys list` shows: never the key material. */
  describe(): Array<{ id: string; createdAt: string; active: boolean }> {
    return this.keys.map((k) => ({ id: k.id, createdAt: k.createdAt, active: k.id === this.activeId }));
  }

  toJson(): string {
    const file = {
      version: 1,
      active: this.activeId,
      keys: this.keys.map((k) => ({ id: k.id, key: k.key.toString('base64'), createdAt: k.createdAt })),
      pseudonymSecret: this.pseudonymSecret.toString('base64'),
    };
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  static generate(now: Date = new Date()): EncryptionKeyring {
    const first = newKey(now);
    return new EncryptionKeyring([first], first.id, randomBytes(KEY_BYTES));
  }

  /** Parses the keyring JSON; `origin` names the file or variable in errors (never the content). */
  static parse(json: string, origin: string): EncryptionKeyring {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new KeyringError(`${origin} is not valid JSON`);
    }
    const parsed = keyringFileSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new KeyringError(`${origin}: ${first?.path.join('.') || 'keyring'} ${first?.message}`);
    }
    const ring = parsed.data;
    return new EncryptionKeyring(ring.keys, ring.active, ring.pseudonymSecret);
  }
}

function newKey(now: Date): KeyringKey {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return {
    id: `k${day}-${randomBytes(4).toString('hex')}`,
    key: randomBytes(KEY_BYTES),
    createdAt: now.toISOString(),
  };
}

/** Where a process gets its keyring; a KMS-backed source implements the same two calls. */
export interface KeyringSource {
  /** Human-readable origin for messages (a file path, an environment variable). */
  readonly origin: string;
  load(): Promise<EncryptionKeyring>;
}

/** The keyring file: refused if others can read it, never written wider than 0600. */
export class KeyringFile implements KeyringSource {
  constructor(readonly path: string) {}

  get origin(): string {
    return this.path;
  }

  async load(): Promise<EncryptionKeyring> {
    let mode: number;
    try {
      mode = (await stat(this.path)).mode;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new KeyringError(
          `keyring ${this.path} does not exist (npm start creates one; or set TTHC_KEYRING)`,
        );
      }
      throw new KeyringError(`keyring ${this.path} cannot be read: ${(error as Error).message}`);
    }
    if ((mode & 0o077) !== 0) {
      throw new KeyringError(
        `keyring ${this.path} can be read by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${this.path}`,
      );
    }
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new KeyringError(`keyring ${this.path} cannot be read: ${(error as Error).message}`);
    }
    return EncryptionKeyring.parse(text, `keyring ${this.path}`);
  }

  /** Writes the ring atomically with mode 0600 (a reader sees the old ring or the new, never half). */
  async save(ring: EncryptionKeyring): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      await writeFile(temp, ring.toJson(), { mode: 0o600, flag: 'w' });
      await chmod(temp, 0o600);
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** The ring in the file; a new one (written 0600) when there is no file yet. */
  async loadOrCreate(): Promise<{ ring: EncryptionKeyring; created: boolean }> {
    try {
      await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const ring = EncryptionKeyring.generate();
      await this.save(ring);
      return { ring, created: true };
    }
    return { ring: await this.load(), created: false };
  }
}

/** The keyring JSON in an environment variable (for containers whose secrets arrive that way). */
export class KeyringVariable implements KeyringSource {
  constructor(
    readonly name: string,
    private readonly value: string,
  ) {}

  get origin(): string {
    return `environment variable ${this.name}`;
  }

  async load(): Promise<EncryptionKeyring> {
    return EncryptionKeyring.parse(this.value, this.origin);
  }
}

/** `TTHC_KEYRING` (the keyring JSON itself) when set, else the keyring file. */
export function keyringSource(settings: {
  TTHC_KEYRING?: string;
  TTHC_KEYRING_FILE: string;
}): KeyringFile | KeyringVariable {
  return settings.TTHC_KEYRING
    ? new KeyringVariable('TTHC_KEYRING', settings.TTHC_KEYRING)
    : new KeyringFile(settings.TTHC_KEYRING_FILE);
}
