/**
 * Document signatures with one Ed25519 key per unit: the embedded default for the agency's
 * specialised digital signature (DOMAIN.md §4: a digitised copy is signed to certify that it
 * matches the original). Keys are generated on first use and kept as PEM files:
 * `<dir>/<unit code>.key.pem` (mode 0600) and `<dir>/<unit code>.pub.pem`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UNIT_CODE, UNIT_CODE_RULE } from '../domain/organisation.js';
import { parseInstant } from '../domain/time.js';

export interface DocumentSignature {
  unitCode: string;
  algorithm: 'Ed25519';
  /** ISO 8601 instant with offset. */
  signedAt: string;
  /** Hex SHA-256 of the signed document. */
  sha256: string;
  /** Base64 Ed25519 signature over signedMessage(unitCode, sha256, signedAt). */
  signature: string;
  /** Hex SHA-256 of the public key (DER SubjectPublicKeyInfo). */
  publicKeyFingerprint: string;
}

export interface UnitSigner {
  unitCode: string;
  publicKeyPem: string;
  publicKeyFingerprint: string;
  sign(sha256Hex: string, signedAt: string): Promise<DocumentSignature>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The exact bytes signed: binds the unit, the document hash and the signing time together. */
export function signedMessage(unitCode: string, sha256Hex: string, signedAt: string): Buffer {
  return Buffer.from(`${unitCode}\n${sha256Hex}\n${signedAt}`, 'utf8');
}

export class UnitKeyring {
  private readonly signers = new Map<string, Promise<UnitSigner>>();

  constructor(private readonly dir: string) {}

  /** The unit's signer, built once per unit: its key is read or created, exported and hashed once. */
  async signerFor(unitCode: string): Promise<UnitSigner> {
    checkUnitCode(unitCode);
    let signer = this.signers.get(unitCode);
    if (!signer) {
      signer = this.newSigner(unitCode);
      signer.catch(() => this.signers.delete(unitCode));
      this.signers.set(unitCode, signer);
    }
    return signer;
  }

  private async newSigner(unitCode: string): Promise<UnitSigner> {
    const privateKey = await this.loadOrCreate(unitCode);
    const publicKey = createPublicKey(privateKey);
    const publicKeyFingerprint = fingerprint(publicKey);
    return {
      unitCode,
      publicKeyPem: publicKeyPem(publicKey),
      publicKeyFingerprint,
      sign: async (sha256Hex, signedAt) => {
        checkSha256(sha256Hex);
        parseInstant(signedAt);
        const signature = sign(null, signedMessage(unitCode, sha256Hex, signedAt), privateKey);
        return {
          unitCode,
          algorithm: 'Ed25519',
          signedAt,
          sha256: sha256Hex,
          signature: signature.toString('base64'),
          publicKeyFingerprint,
        };
      },
    };
  }

  /**
   * True only if the signature is over this document hash and was made with this keyring's key
   * for the signature's unit. A unit without a key here never verifies (no key is generated).
   */
  async verify(signature: DocumentSignature, sha256Hex: string): Promise<boolean> {
    if (signature.algorithm !== 'Ed25519' || signature.sha256 !== sha256Hex) return false;
    if (!UNIT_CODE.test(signature.unitCode)) return false;
    const publicKey = await this.publicKey(signature.unitCode);
    if (!publicKey || fingerprint(publicKey) !== signature.publicKeyFingerprint) return false;
    const message = signedMessage(signature.unitCode, sha256Hex, signature.signedAt);
    try {
      return verify(null, message, publicKey, Buffer.from(signature.signature, 'base64'));
    } catch {
      return false; // a malformed signature
    }
  }

  /** The unit's public key (PEM) for anyone to check its signatures; undefined when it has none here. */
  async publicKeyPem(unitCode: string): Promise<string | undefined> {
    if (!UNIT_CODE.test(unitCode)) return undefined;
    const key = await this.publicKey(unitCode);
    return key ? publicKeyPem(key) : undefined;
  }

  private async loadOrCreate(unitCode: string): Promise<KeyObject> {
    const { privatePath, publicPath } = this.pathsFor(unitCode);
    let pem = await readIfExists(privatePath);
    if (pem === null) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      pem = await writeOnce(privatePath, await newPrivateKeyPem(), 0o600);
    }
    const privateKey = createPrivateKey(pem);
    await writeOnce(publicPath, publicKeyPem(createPublicKey(privateKey)), 0o644);
    return privateKey;
  }

  private async publicKey(unitCode: string): Promise<KeyObject | null> {
    const { privatePath, publicPath } = this.pathsFor(unitCode);
    const publicPem = await readIfExists(publicPath);
    if (publicPem !== null) return createPublicKey(publicPem);
    const privatePem = await readIfExists(privatePath);
    return privatePem === null ? null : createPublicKey(createPrivateKey(privatePem));
  }

  private pathsFor(unitCode: string): { privatePath: string; publicPath: string } {
    return {
      privatePath: join(this.dir, `${unitCode}.key.pem`),
      publicPath: join(this.dir, `${unitCode}.pub.pem`),
    };
  }
}

async function newPrivateKeyPem(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Creates the file with this content unless it exists, and returns the content it ends up with.
 * The content goes to a temporary file (flag 'wx') that is then hard-linked into place: link fails
 * with EEXIST if another writer won, and readers never see a half-written key.
 */
async function writeOnce(path: string, content: string, mode: number): Promise<string> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, content, { flag: 'wx', mode });
    await link(temp, path);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(path, 'utf8');
  } finally {
    await rm(temp, { force: true });
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function fingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function checkUnitCode(unitCode: string): void {
  if (!UNIT_CODE.test(unitCode)) throw new RangeError(`unit code "${unitCode}" ${UNIT_CODE_RULE}`);
}

function checkSha256(sha256Hex: string): void {
  if (!SHA256_HEX.test(sha256Hex)) throw new RangeError(`"${sha256Hex}" is not a lower-case hex SHA-256`);
}
