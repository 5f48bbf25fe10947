// What a reader of Redis (a dump, MONITOR, a replica of the database) sees after real flows: the ids
// of codes, refresh tokens and device codes (their SHA-256), never a value a client could present.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisMissing, startRedis, type RedisServer } from '../helpers/redis.js';
import {
  REDIRECT,
  codeFlow,
  discover,
  login,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './helpers.js';

const missing = redisMissing();
if (missing) console.warn(missing);

const FORM = { form: { username: 'alice' } };
const id = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Every key of the database with its value (strings, sets and hashes), as `redis-cli --scan` + reads would show. */
async function dump(redis: Redis): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.get(key)
        : type === 'set'
          ? (await redis.smembers(key)).join(' ')
          : JSON.stringify(await redis.hgetall(key));
    lines.push(`${key} ${value}`);
  }
  return lines;
}

describe.skipIf(missing)('idp store: Redis holds the ids of secrets, never the secrets', () => {
  let redis: RedisServer;
  let idp: TestIdp;
  let reader: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    idp = await startTestIdp({}, { store: redis.url });
    reader = new Redis(redis.url, { lazyConnect: true });
    await reader.connect();
  }, 60_000);
  afterAll(async () => {
    reader?.disconnect();
    await idp?.close();
    await redis?.stop();
  });

  it('keeps no code, refresh token, device code or user code in any key or value', async () => {
    const config = await discover(idp.url, 'web', undefined);
    const { tokens, location } = await codeFlow(config, FORM);
    const code = new URL(location).searchParams.get('code')!;
    const first = tokens.refresh_token!;
    const rotated = (await client.refreshTokenGrant(config, first)).refresh_token!;
    // A second code, left unredeemed: its record is still in Redis.
    const authorize = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const { location: second } = await login(authorize, { username: 'alice' });
    const pending = new URL(second).searchParams.get('code')!;
    const device = await fetch(`${idp.url}/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tv', scope: 'openid' }),
    });
    const { device_code: deviceCode, user_code: userCode } = (await device.json()) as Record<
      string,
      string
    >;
    expect(deviceCode && userCode).toBeTruthy();

    const lines = await dump(reader);
    const text = lines.join('\n');
    // The user code too: typed at /device it approves the flow, so neither a key nor the record holds it.
    for (const secret of [code, pending, first, rotated, deviceCode!, userCode!])
      expect(text, `a secret is readable in Redis:\n${text}`).not.toContain(secret);
    // The records are there, under the ids: the issuer finds them by hashing what it is shown.
    const keys = lines.map((line) => line.split(' ')[0]!);
    expect(keys).toContain(`authctl:{${prefixName(keys)}}:code:${id(pending)}`);
    expect(keys).toContain(`authctl:{${prefixName(keys)}}:used-code:${id(code)}`);
    expect(keys).toContain(`authctl:{${prefixName(keys)}}:rt:${id(rotated)}`);
    expect(keys).toContain(`authctl:{${prefixName(keys)}}:device:${id(deviceCode!)}`);
  });

  it('still redeems by the secret: a code once, then the device code once approved', async () => {
    const config = await discover(idp.url, 'web', undefined);
    const { tokens } = await codeFlow(config, FORM);
    expect(tokens.access_token).toBeTruthy();
    // The /device page finds the device by its user code and saves the approval under its id.
    const start = await fetch(`${idp.url}/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tv', scope: 'openid' }),
    });
    const auth = (await start.json()) as { device_code: string; user_code: string };
    const page = await fetch(`${idp.url}/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_code: auth.user_code, action: 'approve', username: 'bob' }),
    });
    expect(page.status).toBe(200);
    const grant = 'urn:ietf:params:oauth:grant-type:device_code';
    const polled = await tokenRequest(idp.url, {
      grant_type: grant,
      device_code: auth.device_code,
      client_id: 'tv',
    });
    expect(polled.status, JSON.stringify(polled.body)).toBe(200);
    // The id Redis shows is no device code: polling with it (hashed again) finds nothing.
    const byId = await tokenRequest(idp.url, {
      grant_type: grant,
      device_code: `#${id(auth.device_code)}`,
      client_id: 'tv',
    });
    expect([byId.status, byId.body.error]).toEqual([400, 'invalid_grant']);
  });
});

/** The deployment name inside the hash tag of the issuer's keys (`authctl:{NAME}:...`). */
function prefixName(keys: string[]): string {
  const match = /^authctl:\{([^}]+)\}:/.exec(keys[0] ?? '');
  expect(match, keys.join('\n')).toBeTruthy();
  return match![1]!;
}
