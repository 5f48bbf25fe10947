import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort, runCli } from '../helpers/cli.js';
import { redisMissing, startRedis, type RedisServer } from '../helpers/redis.js';
import { REDIRECT, control, login, seededHome, tokenRequest } from './helpers.js';

const missing = redisMissing();
if (missing) console.warn(missing);

/** The URL every replica publishes (the load balancer's); requests here go to each replica directly. */
const PUBLISHED = 'http://127.0.0.1:9999';

interface Replica {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `authctl idp serve --store redis://…` as a process, on `port`, sharing `home` (the keystore). */
async function startReplica(home: string, store: string, port?: number): Promise<Replica> {
  const listen = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [BIN, 'idp', 'serve', '--port', String(listen), '--store', store, '--issuer-url', PUBLISHED],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', AUTHCTL_HOME: home, AUTHCTL_LOG: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${listen}`;
  // Polled with a generous bound: the box may be loaded.
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (child.exitCode !== null || i > 600)
      throw new Error(`replica on ${listen} did not become ready: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port: listen,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function codeAt(replica: Replica) {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${replica.url}/authorize`);
  for (const [k, v] of Object.entries({
    client_id: 'web',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(k, v);
  const { location } = await login(authorize, { username: 'alice' });
  const code = new URL(location).searchParams.get('code');
  expect(code, location).toBeTruthy();
  return { code: code!, verifier };
}

const redeem = (replica: Replica, code: { code: string; verifier: string }) =>
  tokenRequest(replica.url, {
    grant_type: 'authorization_code',
    code: code.code,
    code_verifier: code.verifier,
    redirect_uri: REDIRECT,
    client_id: 'web',
  });

const refresh = (replica: Replica, token: unknown) =>
  tokenRequest(replica.url, {
    grant_type: 'refresh_token',
    refresh_token: String(token),
    client_id: 'web',
  });

const clientToken = async (replica: Replica) =>
  String(
    (
      await tokenRequest(replica.url, {
        grant_type: 'client_credentials',
        client_id: 'svc',
        client_secret: 's',
      })
    ).body.access_token,
  );

async function introspect(replica: Replica, token: string): Promise<{ active: boolean }> {
  const response = await fetch(`${replica.url}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: 'svc', client_secret: 's' }),
  });
  return (await response.json()) as { active: boolean };
}

describe.skipIf(missing)(
  'idp replicas: two `idp serve --store redis://` processes share one state',
  () => {
    let redis: RedisServer;
    let home: string;
    let a: Replica;
    let b: Replica;

    beforeAll(async () => {
      redis = await startRedis();
      home = await seededHome();
      [a, b] = await Promise.all([startReplica(home, redis.url), startReplica(home, redis.url)]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it('redeems a code issued by A once at B; the second redemption fails at A and at B', async () => {
      const code = await codeAt(a);
      const first = await redeem(b, code);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      // Signed with the shared keystore: B's tokens verify against A's JWKS (jose, on the published iss).
      const jwks = createRemoteJWKSet(new URL(`${a.url}/jwks`));
      const { payload } = await jwtVerify(String(first.body.access_token), jwks, {
        issuer: PUBLISHED,
      });
      expect(payload.sub).toBe('alice');
      for (const replica of [a, b]) {
        const again = await redeem(replica, code);
        expect([again.status, again.body.error, again.body.error_description]).toEqual([
          400,
          'invalid_grant',
          'authorization code was already used',
        ]);
      }
      // The replay revoked the grant everywhere: the refresh token of the first redemption is dead.
      expect((await refresh(a, first.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('refuses at A a refresh token rotated at B, and the reuse revokes the family at B too', async () => {
      const tokens = await redeem(a, await codeAt(a));
      const rotated = await refresh(b, tokens.body.refresh_token);
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      const reused = await refresh(a, tokens.body.refresh_token);
      expect([reused.status, reused.body.error]).toEqual([400, 'invalid_grant']);
      const next = await refresh(b, rotated.body.refresh_token);
      expect([next.status, next.body.error]).toEqual([400, 'invalid_grant']);
      // ...and the access tokens of the grant: introspection at either replica says inactive.
      expect((await introspect(b, String(rotated.body.access_token))).active).toBe(false);
    });

    it('sees at B a revocation made at A (introspection)', async () => {
      const token = await clientToken(a);
      expect((await introspect(b, token)).active).toBe(true);
      const revoked = await fetch(`${a.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: 'svc', client_secret: 's' }),
      });
      expect(revoked.status).toBe(200);
      expect((await introspect(b, token)).active).toBe(false);
      expect((await introspect(a, token)).active).toBe(false);
    });

    it('applies at B a fault and a clock move set at A (and a clear at B applies at A)', async () => {
      expect((await control(a.url, 'POST', '/fault', { token: 503 })).status).toBe(200);
      const refused = await tokenRequest(b.url, {
        grant_type: 'client_credentials',
        client_id: 'svc',
        client_secret: 's',
      });
      expect(refused.status).toBe(503);
      expect((await control(b.url, 'DELETE', '/fault')).status).toBe(200);
      expect(await clientToken(a)).toMatch(/^ey/);
      expect((await control(a.url, 'POST', '/clock', { advance: '2h' })).status).toBe(200);
      expect((await control(b.url, 'GET', '/clock')).body.offsetSeconds).toBe(7200);
      expect((await control(b.url, 'POST', '/clock', { reset: true })).status).toBe(200);
      expect((await control(a.url, 'GET', '/clock')).body.offsetSeconds).toBe(0);
    });

    it('sees at B a key rotation made at A over the control API (one keystore, shared home)', async () => {
      const rotated = await control(a.url, 'POST', '/rotate', { stage: 'all' });
      expect(rotated.status).toBe(200);
      const kid = rotated.body.activated.kid as string;
      let kids: string[] = [];
      for (let i = 0; i < 200 && !kids.includes(kid); i++) {
        const jwks = (await (await fetch(`${b.url}/jwks`)).json()) as { keys: { kid: string }[] };
        kids = jwks.keys.map((k) => k.kid);
        if (!kids.includes(kid)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(kids).toContain(kid);
      const token = await clientToken(b);
      const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
      expect(header.kid).toBe(kid);
    });

    it('loses nothing when a replica restarts: codes, refresh tokens, revocations and faults survive', async () => {
      const code = await codeAt(a);
      const tokens = await redeem(b, await codeAt(b));
      const revokedToken = await clientToken(a);
      await fetch(`${a.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: revokedToken, client_id: 'svc', client_secret: 's' }),
      });
      await control(a.url, 'POST', '/fault', { latency: '0.01s' });
      await a.stop();
      a = await startReplica(home, redis.url, a.port);
      expect((await redeem(a, code)).status).toBe(200);
      expect((await refresh(a, tokens.body.refresh_token)).status).toBe(200);
      expect((await introspect(a, revokedToken)).active).toBe(false);
      expect((await control(a.url, 'GET', '/state')).body.faults).toEqual({ latencyMs: 10 });
      await control(a.url, 'DELETE', '/fault');
      const ready = (await (await fetch(`${a.url}/readyz`)).json()) as { store: object };
      expect(ready.store).toMatchObject({ ok: true, kind: 'redis', url: redis.url });
    }, 60_000);

    // Last: it stops Redis.
    it('answers 503 on /readyz and the token endpoint, naming the store, while Redis is down', async () => {
      await redis.stop();
      let ready: Response | undefined;
      for (let i = 0; i < 200; i++) {
        ready = await fetch(`${b.url}/readyz`);
        if (ready.status === 503) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ready!.status).toBe(503);
      expect(((await ready!.json()) as { store: object }).store).toMatchObject({
        ok: false,
        kind: 'redis',
        url: redis.url,
      });
      const token = await tokenRequest(b.url, {
        grant_type: 'client_credentials',
        client_id: 'svc',
        client_secret: 's',
      });
      expect([token.status, token.body.error]).toEqual([503, 'temporarily_unavailable']);
      expect(token.body.error_description).toContain(`the issuer store ${redis.url} failed`);
    }, 60_000);
  },
);

describe('idp replicas: a store that cannot be used', () => {
  it('exits 3 with one line naming --store and the URL, the password masked', async () => {
    const port = await freePort();
    const store = `redis://user:hunter2@127.0.0.1:${port}/0`;
    const home = await seededHome();
    const result = await runCli(['idp', 'serve', '--port', '0', '--store', store], {
      env: { AUTHCTL_HOME: home },
    });
    expect(result.code).toBe(3);
    const [line] = result.stderr.split('\n');
    expect(line).toBe(
      `authctl: error: cannot reach the issuer store redis://user:***@127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port} (--store)`,
    );
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const json = await runCli(['idp', 'serve', '--port', '0', '--json', '--store', store], {
      env: { AUTHCTL_HOME: home },
    });
    expect([json.code, JSON.parse(json.stdout || json.stderr).error.code]).toEqual([
      3,
      'ERR_STORE_UNREACHABLE',
    ]);
    rmSync(home, { recursive: true, force: true });
  });

  it('exits 2 for a URL that is not a store, before listening', async () => {
    const result = await runCli(['idp', 'serve', '--port', '0', '--store', 'http://x:6379']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'authctl: error: http://x:6379/ is not a store this issuer knows (http:) (--store)',
    );
    const config = await runCli(['idp', 'serve', '--port', '0', '--json'], {
      env: { AUTHCTL_STORE: 'redis://h/db0' },
    });
    expect(JSON.parse(config.stdout || config.stderr).error).toMatchObject({
      code: 'ERR_BAD_STORE',
      where: 'AUTHCTL_STORE',
    });
  });
});
