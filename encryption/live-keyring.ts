/**
 * A process's view of the keyring, kept current without a restart: `tthc keys rotate` writes a new
 * active key to the file, and every process picks it up at its next refresh; a key id it does not
 * know makes it read the source again at once (another process may have rotated first).
 */
import {
  type EncryptionKeyring,
  type KeyringKey,
  type KeyringSource,
  UnknownKeyError,
} from './encryption-keyring.js';

export interface LiveKeyringOptions {
  /** How often the source is read again for a new active key (default 10 s; 0: never). */
  refreshMs?: number;
  /** A refresh that failed: the ring in use stays (reported, e.g. logged, by the caller). */
  onRefreshError?: (error: Error) => void;
}

/** The least time between two reads of the source triggered by unknown key ids. */
const UNKNOWN_KEY_RELOAD_MS = 1_000;

export class LiveKeyring {
  private lastUnknownReload = 0;
  private reloading?: Promise<void>;
  private readonly timer?: NodeJS.Timeout;

  private constructor(
    readonly source: KeyringSource,
    private ring: EncryptionKeyring,
    private readonly options: LiveKeyringOptions,
  ) {
    const refreshMs = options.refreshMs ?? 10_000;
    if (refreshMs > 0) {
      this.timer = setInterval(() => void this.reload().catch(() => undefined), refreshMs);
      this.timer.unref();
    }
  }

  /** Loads the ring once; a missing or unreadable keyring throws here (a process stops at start). */
  static async open(source: KeyringSource, options: LiveKeyringOptions = {}): Promise<LiveKeyring> {
    return new LiveKeyring(source, await source.load(), options);
  }

  /** A fixed ring (tests, one-shot commands). */
  static of(ring: EncryptionKeyring, source: KeyringSource): LiveKeyring {
    return new LiveKeyring(source, ring, { refreshMs: 0 });
  }

  get current(): EncryptionKeyring {
    return this.ring;
  }

  get active(): KeyringKey {
    return this.ring.active;
  }

  get pseudonymSecret(): Buffer {
    return this.ring.pseudonymSecret;
  }

  /** The key with this id; an unknown id reads the source again (at most once a second) before failing. */
  async key(id: string): Promise<KeyringKey> {
    if (this.ring.has(id)) return this.ring.key(id);
    if (Date.now() - this.lastUnknownReload >= UNKNOWN_KEY_RELOAD_MS) {
      this.lastUnknownReload = Date.now();
      await this.reload().catch(() => undefined);
    }
    if (this.ring.has(id)) return this.ring.key(id);
    throw new UnknownKeyError(id);
  }

  async reload(): Promise<void> {
    this.reloading ??= this.source
      .load()
      .then((ring) => {
        this.ring = ring;
      })
      .catch((error: Error) => {
        this.options.onRefreshError?.(error);
        throw error;
      })
      .finally(() => {
        this.reloading = undefined;
      });
    return this.reloading;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
