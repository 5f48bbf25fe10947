import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Stats } from 'node:fs';
import { loadCrypto, nodeFs } from '../node.js';
import type { JWK } from 'jose';
import { usageError } from '../errors.js';
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { writeError } from '../fs/errors.js';
import type { JWTAlgorithm } from './algorithms.js';
import { ignoreInGit } from './home.js';
import { distinctKid, importedRecord, parseImport } from './import.js';
import {
  emptyKeyring,
  KEYRING_FILE,
  parseKeyring,
  serializeKeyring,
  type Keyring,
  type KeyRecord,
  type KeyStatus,
} from './keyring.js';
import { generateRecord } from './records.js';
import {
  applyRotation,
  newKeyStatus,
  DEFAULT_GRACE_SECONDS,
  type RotateKeysOptions,
  type RotateKeysResult,
} from './rotation.js';

export interface KeystoreOptions {
  /** The keystore directory (created 0700 on first write). */
  dir: string;
  /** Milliseconds since epoch; injected so rotation and grace are testable. */
  clock?: () => number;
  /** RSA modulus for generated keys (default 2048). */
  rsaBits?: number;
  /** Called once, when this store creates keys.json: `gitignore` is the .gitignore it added, if any. */
  onCreate?: (created: { file: string; gitignore?: string }) => void;
  /** Called when a key pair is generated (8192-bit RSA takes seconds): returns what to call when done. */
  onGenerate?: (what: string) => () => void;
}

export interface SigningKey {
  record: KeyRecord;
  /** A node:crypto private key (jose accepts it too), or the raw secret for HMAC. */
  key: KeyObject | Uint8Array;
}

export {
  DEFAULT_GRACE_SECONDS,
  type RotateKeysOptions,
  type RotateKeysResult,
} from './rotation.js';

/**
 * The mock issuer's keys, in `<dir>/keys.json` (0600). Keys are created on first use, one per
 * algorithm; creation is locked and re-checked so concurrent first uses agree on one key.
 */
export class Keystore {
  readonly dir: string;
  readonly file: string;
  private readonly clock: () => number;
  private readonly onGenerate?: (what: string) => () => void;
  private readonly rsaBits: number;
  private readonly onCreate?: KeystoreOptions['onCreate'];
  private readonly imported = new Map<string, KeyObject | Uint8Array>();
  /** The ring read() parsed last, and the file's stamp when it did. */
  private lastRead?: { stamp: string; ring: Keyring };
  /** First-use keys being made, by algorithm and size: concurrent callers share one. */
  private readonly creating = new Map<string, Promise<KeyRecord>>();

  constructor(options: KeystoreOptions) {
    this.dir = options.dir;
    this.file = path.join(options.dir, KEYRING_FILE);
    this.clock = options.clock ?? Date.now;
    this.onGenerate = options.onGenerate;
    this.rsaBits = options.rsaBits ?? 2048;
    this.onCreate = options.onCreate;
  }

  /**
   * The keyring as stored on disk (keys.json), without creating anything. An unchanged file (same
   * inode, mtime and size) is not read and checked again: a probe run asks for its signing key for
   * every token it mints (issue #17). Callers only look at the ring; update() reads its own copy.
   */
  async read(): Promise<Keyring> {
    const stamp = fileStamp(this.file);
    if (stamp !== undefined && this.lastRead?.stamp === stamp) return this.lastRead.ring;
    const ring = await this.readFile();
    // Stamped before the read: a write in between makes the next stamp differ, so it is read then.
    this.lastRead = stamp === undefined ? undefined : { stamp, ring };
    return ring;
  }

  private async readFile(): Promise<Keyring> {
    let text: string | undefined;
    try {
      text = await readFileIfExists(this.file);
    } catch (error) {
      throw writeError(error, this.file, {
        action: 'read',
        code: 'ERR_KEYSTORE_UNREADABLE',
        what: 'the keystore',
        elsewhere: 'or point {{home}} (or AUTHCTL_HOME) at a directory you can read and write',
      });
    }
    return text === undefined ? emptyKeyring() : parseKeyring(text, this.file);
  }

  /** Locked read-modify-write. `fn` mutates the ring and returns a value; the ring is written only if `fn` says so. */
  private async update<T>(
    fn: (ring: Keyring) => Promise<{ value: T; changed: boolean }>,
    { ensureDir = true } = {},
  ): Promise<T> {
    if (ensureDir) await ensurePrivateDir(this.dir);
    return withFileLock(this.file, async () => {
      // Checked under the lock: of two first uses, only the one that writes the file reports it.
      const creating = !nodeFs.existsSync(this.file);
      // Its own copy, never the one read() shares: fn changes it, and the write may still fail.
      this.lastRead = undefined;
      const ring = await this.readFile();
      const { value, changed } = await fn(ring);
      if (changed) {
        await writeFileAtomic(this.file, serializeKeyring(ring), {
          mode: 0o600,
          code: 'ERR_KEYSTORE_WRITE',
          what: 'the keystore',
          elsewhere: 'or point {{home}} (or AUTHCTL_HOME) at a writable directory',
        });
        if (creating) this.onCreate?.({ file: this.file, gitignore: await ignoreInGit(this.dir) });
      }
      return value;
    });
  }

  /** Status as of now: a grace key whose time is up counts as retired. */
  effectiveStatus(record: KeyRecord): KeyStatus {
    if (
      record.status === 'grace' &&
      record.graceUntil &&
      Date.parse(record.graceUntil) <= this.clock()
    )
      return 'retired';
    return record.status;
  }

  /** Every key in the keyring with its status now (e.g. active, published, grace); creates nothing. */
  async list(): Promise<KeyRecord[]> {
    const ring = await this.read();
    return ring.keys.map((key) => ({ ...key, status: this.effectiveStatus(key) }));
  }

  /** The active key for `alg` (or the key `kid`), generating one on first use. */
  async signingKey(
    alg: JWTAlgorithm,
    options: { kid?: string; rsaBits?: number } = {},
  ): Promise<SigningKey> {
    const find = (ring: Keyring) =>
      options.kid
        ? ring.keys.find((key) => key.kid === options.kid)
        : ring.keys.find((key) => key.alg === alg && key.status === 'active');
    let record = find(await this.read());
    if (!record && options.kid) {
      throw usageError('ERR_UNKNOWN_KID', `no key with kid "${options.kid}" in the keystore`, {
        where: this.file,
        hint: 'run `authctl keys list` to see the kids, or omit {{kid}} to use the active key',
      });
    }
    record ??= await this.createActive(alg, options.rsaBits);
    if (record.alg !== alg) {
      throw usageError(
        'ERR_KID_ALG_MISMATCH',
        `key ${record.kid} is an ${record.alg} key, not ${alg}`,
        {
          field: 'kid',
          hint: `use {{alg}} ${record.alg}, or pick a ${alg} key from \`authctl keys list\``,
        },
      );
    }
    return { record, key: await this.importSigningKey(record) };
  }

  /**
   * The active key for `alg` on first use: generated before the lock is taken, then stored unless
   * another writer stored one first (that one wins, this one is dropped). An RSA key takes from a
   * fraction of a second to many (8192 bits, a starved CI runner), and every other writer of the
   * keystore (an issuer and a `token mint` sharing it, the demo's two keystores) waits on the lock
   * for at most 10 s.
   */
  private createActive(alg: JWTAlgorithm, rsaBits?: number): Promise<KeyRecord> {
    const name = `${alg}:${rsaBits ?? ''}`;
    let pending = this.creating.get(name);
    if (!pending) {
      // The folder first, so an unwritable one fails before a long generation; not again after
      // it, so a folder removed meanwhile (the demo's, at its end) is not made anew for one key.
      pending = ensurePrivateDir(this.dir)
        .then(() => this.generate(alg, 'active', rsaBits))
        .then((created) =>
          this.update(
            async (ring) => {
              const existing = ring.keys.find((k) => k.alg === alg && k.status === 'active');
              if (existing) return { value: existing, changed: false };
              ring.keys.push(created);
              return { value: created, changed: true };
            },
            { ensureDir: false },
          ),
        )
        .finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    return pending;
  }

  private async importSigningKey(record: KeyRecord): Promise<KeyObject | Uint8Array> {
    let key = this.imported.get(record.kid);
    if (!key) {
      try {
        key =
          record.privateJwk.kty === 'oct'
            ? new Uint8Array(Buffer.from(String(record.privateJwk.k), 'base64url'))
            : loadCrypto().createPrivateKey({
                key: record.privateJwk as import('node:crypto').JsonWebKey,
                format: 'jwk',
              });
      } catch (error) {
        throw usageError(
          'ERR_KEYSTORE_CORRUPT',
          `key ${record.kid} in the keystore is not a usable private key`,
          {
            where: this.file,
            hint: 'restore the keystore from a backup, or rotate to a new key with `authctl keys rotate --drop-old`',
            cause: error,
          },
        );
      }
      this.imported.set(record.kid, key);
    }
    return key;
  }

  private generate(alg: JWTAlgorithm, status: KeyStatus, rsaBits?: number): Promise<KeyRecord> {
    const bits = rsaBits ?? this.rsaBits;
    const rsa = alg.startsWith('RS') || alg.startsWith('PS');
    const done = alg.startsWith('HS')
      ? undefined
      : this.onGenerate?.(rsa ? `a ${bits}-bit ${alg} key` : `an ${alg} key`);
    return generateRecord(alg, status, {
      now: new Date(this.clock()).toISOString(),
      rsaBits: bits,
    }).finally(() => done?.());
  }

  /** Public keys to publish: active and published keys, and grace keys until their grace ends. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const ring = await this.read();
    const keys = ring.keys
      .filter(
        (key) =>
          key.publicJwk && ['active', 'published', 'grace'].includes(this.effectiveStatus(key)),
      )
      .map((key) => key.publicJwk!);
    return { keys };
  }

  /**
   * Staged rotation: a new key becomes active, the previous one keeps verifying for the grace period.
   * The new key is generated before the lock, as a first-use key is (createActive); which stage
   * adds one depends on the options alone, not on the ring read under the lock.
   */
  async rotate(options: RotateKeysOptions): Promise<RotateKeysResult> {
    const status = newKeyStatus(options);
    await ensurePrivateDir(this.dir);
    const fresh = status && (await this.generate(options.alg, status, options.rsaBits));
    return this.update(
      async (ring) => ({
        value: applyRotation(ring, options, { now: this.clock(), ...(fresh ? { fresh } : {}) }),
        changed: true,
      }),
      { ensureDir: false },
    );
  }

  /** Imports a PEM or JWK private key (or HMAC secret JWK) and makes it the active key for its algorithm. */
  async importKey(
    text: string,
    source: string,
    options: { alg?: JWTAlgorithm; activate?: boolean } = {},
  ): Promise<KeyRecord> {
    const parsed = parseImport(text, source, options.alg);
    return this.update(async (ring) => {
      const record = await importedRecord(parsed, new Date(this.clock()).toISOString());
      distinctKid(ring, record, source);
      if (options.activate !== false) {
        for (const key of ring.keys.filter((k) => k.alg === parsed.alg && k.status === 'active')) {
          Object.assign(key, {
            status: 'grace',
            graceUntil: new Date(this.clock() + DEFAULT_GRACE_SECONDS * 1000).toISOString(),
          });
        }
      } else Object.assign(record, { status: 'published', activatedAt: undefined });
      ring.keys.push(record);
      return { value: record, changed: true };
    });
  }
}

/** What changes whenever keys.json is replaced or written (the issuer's caches compare it too). */
export function keyringStamp(s: Stats): string {
  return `${s.ino}:${s.mtimeMs}:${s.ctimeMs}:${s.size}`;
}

/** keys.json's stamp now; undefined when there is no such file. */
function fileStamp(file: string): string | undefined {
  try {
    return keyringStamp(nodeFs.statSync(file));
  } catch {
    return undefined;
  }
}
