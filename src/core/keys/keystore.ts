import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { nodeCrypto, nodeFs } from '../node.js';
import type { JWK } from 'jose';
import { environmentError, usageError } from '../errors.js';
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { writeError } from '../fs/errors.js';
import { algorithmInfo, isHmac, type JWTAlgorithm } from './algorithms.js';
import {
  emptyKeyring,
  KEYRING_FILE,
  parseKeyring,
  serializeKeyring,
  type Keyring,
  type KeyRecord,
  type KeyStatus,
} from './keyring.js';
import { algorithmsForJwk, checkPrivateKey, parseKeyMaterial } from './material.js';

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

export interface RotateKeysOptions {
  alg: JWTAlgorithm;
  /** Seconds the old key stays in the JWKS (default 24 h). */
  graceSeconds?: number;
  /** Drop the old key from the JWKS at once. */
  dropOld?: boolean;
  /** Staged rotation: `publish` a new key, `activate` it, `retire` the grace keys. Default: all in one step. */
  stage?: 'all' | 'publish' | 'activate' | 'retire';
  rsaBits?: number;
}

export interface RotateKeysResult {
  activated?: KeyRecord;
  published?: KeyRecord;
  demoted: KeyRecord[];
  retired: KeyRecord[];
}

export const DEFAULT_GRACE_SECONDS = 24 * 3600;

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

  constructor(options: KeystoreOptions) {
    this.dir = options.dir;
    this.file = path.join(options.dir, KEYRING_FILE);
    this.clock = options.clock ?? Date.now;
    this.onGenerate = options.onGenerate;
    this.rsaBits = options.rsaBits ?? 2048;
    this.onCreate = options.onCreate;
  }

  async read(): Promise<Keyring> {
    let text: string | undefined;
    try {
      text = await readFileIfExists(this.file);
    } catch (error) {
      throw writeError(error, this.file, {
        action: 'read',
        code: 'ERR_KEYSTORE_UNREADABLE',
        what: 'the keystore',
        elsewhere: 'or point --home (or AUTHCTL_HOME) at a directory you can read and write',
      });
    }
    return text === undefined ? emptyKeyring() : parseKeyring(text, this.file);
  }

  /** Locked read-modify-write. `fn` mutates the ring and returns a value; the ring is written only if `fn` says so. */
  private async update<T>(
    fn: (ring: Keyring) => Promise<{ value: T; changed: boolean }>,
  ): Promise<T> {
    await ensurePrivateDir(this.dir);
    return withFileLock(this.file, async () => {
      // Checked under the lock: of two first uses, only the one that writes the file reports it.
      const creating = !nodeFs.existsSync(this.file);
      const ring = await this.read();
      const { value, changed } = await fn(ring);
      if (changed) {
        await writeFileAtomic(this.file, serializeKeyring(ring), {
          mode: 0o600,
          code: 'ERR_KEYSTORE_WRITE',
          what: 'the keystore',
          elsewhere: 'or point --home (or AUTHCTL_HOME) at a writable directory',
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
        hint: 'run `authctl keys list` to see the kids, or omit --kid to use the active key',
      });
    }
    if (!record) {
      record = await this.update(async (ring) => {
        const existing = find(ring);
        if (existing) return { value: existing, changed: false };
        const created = await this.generate(alg, 'active', options.rsaBits);
        ring.keys.push(created);
        return { value: created, changed: true };
      });
    }
    if (record.alg !== alg) {
      throw usageError(
        'ERR_KID_ALG_MISMATCH',
        `key ${record.kid} is an ${record.alg} key, not ${alg}`,
        {
          where: '--kid',
          hint: `use --alg ${record.alg}, or pick a ${alg} key from \`authctl keys list\``,
        },
      );
    }
    return { record, key: await this.importSigningKey(record) };
  }

  private async importSigningKey(record: KeyRecord): Promise<KeyObject | Uint8Array> {
    let key = this.imported.get(record.kid);
    if (!key) {
      try {
        key =
          record.privateJwk.kty === 'oct'
            ? new Uint8Array(Buffer.from(String(record.privateJwk.k), 'base64url'))
            : nodeCrypto.createPrivateKey({
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

  private async generate(
    alg: JWTAlgorithm,
    status: KeyStatus,
    rsaBits?: number,
  ): Promise<KeyRecord> {
    // jose loads lazily: only first use and rotation need it, not every `token mint`.
    const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await import('jose');
    const now = new Date(this.clock()).toISOString();
    if (isHmac(alg)) {
      // 64 random bytes: longer than the hash of every HS algorithm (RFC 7518 §3.2).
      const privateJwk: JWK = { kty: 'oct', k: nodeCrypto.randomBytes(64).toString('base64url') };
      const kid = await calculateJwkThumbprint(privateJwk);
      return {
        kid,
        alg,
        status,
        createdAt: now,
        activatedAt: status === 'active' ? now : undefined,
        origin: 'generated',
        privateJwk: { ...privateJwk, kid, alg },
      };
    }
    const info = algorithmInfo(alg);
    const bits = info.kty === 'RSA' ? (rsaBits ?? this.rsaBits) : undefined;
    const done = this.onGenerate?.(bits ? `a ${bits}-bit ${alg} key` : `an ${alg} key`);
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
      modulusLength: bits,
      crv: info.kty === 'OKP' ? 'Ed25519' : undefined,
    }).finally(() => done?.());
    return this.recordFromJwks(
      await exportJWK(privateKey),
      await exportJWK(publicKey),
      alg,
      status,
      'generated',
      now,
    );
  }

  private async recordFromJwks(
    privateJwk: JWK,
    publicJwk: JWK,
    alg: JWTAlgorithm,
    status: KeyStatus,
    origin: KeyRecord['origin'],
    now: string,
  ): Promise<KeyRecord> {
    const { calculateJwkThumbprint } = await import('jose');
    const kid = await calculateJwkThumbprint(publicJwk);
    return {
      kid,
      alg,
      status,
      createdAt: now,
      activatedAt: status === 'active' ? now : undefined,
      origin,
      privateJwk: { ...privateJwk, kid, alg },
      publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    };
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

  async rotate(options: RotateKeysOptions): Promise<RotateKeysResult> {
    const stage = options.stage ?? 'all';
    const graceMs = (options.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
    return this.update(async (ring) => {
      const now = this.clock();
      const iso = new Date(now).toISOString();
      const result: RotateKeysResult = { demoted: [], retired: [] };
      const ofAlg = ring.keys.filter((key) => key.alg === options.alg);
      const demoteActive = () => {
        for (const key of ofAlg.filter((k) => k.status === 'active')) {
          if (options.dropOld)
            Object.assign(key, { status: 'retired', retiredAt: iso, graceUntil: undefined });
          else
            Object.assign(key, {
              status: 'grace',
              graceUntil: new Date(now + graceMs).toISOString(),
            });
          result.demoted.push(key);
        }
      };
      if (stage === 'publish') {
        const created = await this.generate(options.alg, 'published', options.rsaBits);
        ring.keys.push(created);
        result.published = created;
      } else if (stage === 'activate') {
        const next = ofAlg.find((key) => key.status === 'published');
        if (!next) {
          throw usageError(
            'ERR_NOTHING_TO_ACTIVATE',
            `no published ${options.alg} key waiting to be activated`,
            {
              where: '--stage activate',
              hint: 'run `authctl keys rotate --stage publish` first',
            },
          );
        }
        demoteActive();
        Object.assign(next, { status: 'active', activatedAt: iso });
        result.activated = next;
      } else if (stage === 'retire') {
        for (const key of ofAlg.filter((k) => k.status === 'grace')) {
          Object.assign(key, { status: 'retired', retiredAt: iso, graceUntil: undefined });
          result.retired.push(key);
        }
      } else {
        demoteActive();
        const created = await this.generate(options.alg, 'active', options.rsaBits);
        ring.keys.push(created);
        result.activated = created;
      }
      return { value: result, changed: true };
    });
  }

  /** Imports a PEM or JWK private key (or HMAC secret JWK) and makes it the active key for its algorithm. */
  async importKey(
    text: string,
    source: string,
    options: { alg?: JWTAlgorithm; activate?: boolean } = {},
  ): Promise<KeyRecord> {
    // A PEM bundle of key + certificate is common: the one private key in it is the one to import.
    const all = parseKeyMaterial(text, source);
    const privates = all.filter((key) => key.privateJwk);
    if (privates.length > 1)
      throw usageError('ERR_KEY_FORMAT', `expected one private key, found ${privates.length}`, {
        where: source,
        hint: 'split the file and import one private key at a time',
      });
    const parsed = privates[0] ?? all[0]!;
    if (!parsed.privateJwk)
      throw usageError(
        'ERR_KEY_NOT_PRIVATE',
        'this is a public key; a signing key must be private',
        {
          where: source,
          hint: 'import the private key (PKCS#8, SEC1, PKCS#1 PEM or a JWK with "d")',
        },
      );
    const candidates = algorithmsForJwk(parsed.privateJwk);
    const keyName = [parsed.privateJwk.kty, parsed.privateJwk.crv].filter(Boolean).join(' ');
    if (candidates.length === 0) {
      throw usageError(
        'ERR_KEY_UNSUPPORTED',
        `this ${keyName} key${parsed.privateJwk.alg ? ` (alg ${parsed.privateJwk.alg})` : ''} cannot sign JWTs`,
        {
          where: source,
          hint: 'use an RSA (2048+ bits), EC P-256/P-384/P-521 or Ed25519 private key, or an oct secret',
        },
      );
    }
    const alg = (options.alg ?? candidates[0]) as JWTAlgorithm;
    if (!candidates.includes(alg)) {
      throw usageError('ERR_KID_ALG_MISMATCH', `this ${keyName} key cannot sign ${alg}`, {
        where: '--alg',
        hint: `choose one of: ${candidates.join(', ')}`,
      });
    }
    const publicJwk = checkPrivateKey(parsed.privateJwk, source);
    const { calculateJwkThumbprint } = await import('jose');
    return this.update(async (ring) => {
      const iso = new Date(this.clock()).toISOString();
      const isSecret = parsed.privateJwk!.kty === 'oct';
      const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...cleanPublic } = publicJwk;
      const record = isSecret
        ? {
            kid: await calculateJwkThumbprint(parsed.privateJwk!),
            alg,
            status: 'active' as KeyStatus,
            createdAt: iso,
            activatedAt: iso,
            origin: 'imported' as const,
            privateJwk: { ...parsed.privateJwk!, alg },
          }
        : await this.recordFromJwks(
            parsed.privateJwk!,
            cleanPublic,
            alg,
            'active',
            'imported',
            iso,
          );
      distinctKid(ring, record, source);
      if (options.activate !== false) {
        for (const key of ring.keys.filter((k) => k.alg === alg && k.status === 'active')) {
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

/**
 * Kids name one key for one algorithm. The same key material imported for another algorithm (an RSA key as
 * RS256, then as PS256: one key per algorithm) gets its own kid, `<thumbprint>-<alg>`, because many verifiers
 * (jwks-rsa, PyJWKClient) pick a JWK by kid alone. The same material for the same algorithm is nothing to do.
 */
function distinctKid(ring: Keyring, record: KeyRecord, source: string): void {
  const thumbprint = record.kid;
  const same = ring.keys.filter(
    (key) => key.kid === thumbprint || key.kid.startsWith(`${thumbprint}-`),
  );
  const existing = same.find((key) => key.alg === record.alg);
  if (existing) {
    throw usageError(
      'ERR_KEY_EXISTS',
      `key ${existing.kid} is already in the keystore for ${record.alg}`,
      {
        where: source,
        hint: 'nothing to do; `authctl keys list` shows it (use --alg to import it for another algorithm)',
      },
    );
  }
  if (same.length === 0) return;
  record.kid = `${thumbprint}-${record.alg}`;
  record.privateJwk = { ...record.privateJwk, kid: record.kid };
  if (record.publicJwk) record.publicJwk = { ...record.publicJwk, kid: record.kid };
}

/**
 * What authctl itself keeps in a home: the keystore, the API key store (apikey/store.ts), the probe's
 * attacker keys (probe/attacker.ts, not imported: it loads jose eagerly), per-issuer keystores.
 * Their lock and temp files are `<name>.lock…` and `.<name>.<pid>.<hex>.tmp`.
 */
const HOME_ENTRIES = [KEYRING_FILE, 'apikeys.json', 'probe-attacker-keys.json', 'issuers'];
const isHomeEntry = (name: string) =>
  HOME_ENTRIES.some(
    (own) => name === own || name.startsWith(`${own}.`) || name.startsWith(`.${own}.`),
  );

/**
 * Private keys must not be committed: a `.gitignore` of `*` goes beside a new keys.json (0644, like any
 * .gitignore: it holds no secret). Only in a directory that is authctl's (the default `.authctl`, or one
 * holding nothing but authctl's files): `--home .` must not hide a whole project from git. An existing
 * .gitignore is the user's and is left alone. Returns the path written, if any.
 */
async function ignoreInGit(dir: string): Promise<string | undefined> {
  const file = path.join(dir, '.gitignore');
  const entries = await nodeFs.promises.readdir(dir);
  if (
    entries.includes('.gitignore') ||
    (path.basename(dir) !== '.authctl' && !entries.every(isHomeEntry))
  )
    return undefined;
  await writeFileAtomic(file, '*\n', {
    mode: 0o644,
    what: 'the keystore .gitignore',
    elsewhere: 'or point --home (or AUTHCTL_HOME) at a writable directory',
  });
  return file;
}
