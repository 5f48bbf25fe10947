import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, waitFor } from '../../src/core/probe/http.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends a byte every 50 ms for ever: the socket is never idle, so only a whole-request deadline ends it. */
const trickle: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const timer = setInterval(() => res.write('.'), 50);
  res.on('close', () => clearInterval(timer));
};

// No timing assertions: each test only has to end (the vitest timeout is the failure on a hang).
describe('probe HTTP client bounds', () => {
  it('gives up on a server that never answers (ETIMEDOUT)', async () => {
    const url = await serve(() => {});
    const client = new HttpClient({ baseUrl: url, timeoutMs: 200, retries: 0 });
    await expect(client.send({ method: 'GET', path: '/', headers: {} })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    client.close();
  }, 15_000);

  it('gives up on a body that trickles for ever (the timeout covers the whole request, not idle time)', async () => {
    const url = await serve(trickle);
    const client = new HttpClient({ baseUrl: url, timeoutMs: 300, retries: 2 });
    await expect(client.send({ method: 'GET', path: '/', headers: {} })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    client.close();
  }, 15_000);

  it('waitFor ends by its deadline even when the URL trickles', async () => {
    const url = await serve(trickle);
    // Either answer is fine; the point is that it returns.
    expect(typeof (await waitFor(`${url}/healthz`, 500, 50))).toBe('boolean');
  }, 15_000);

  it('sends one Content-Length whatever the case of the spec header', async () => {
    let seen: string[] = [];
    const url = await serve((req, res) => {
      seen = req.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const client = new HttpClient({ baseUrl: url, timeoutMs: 5_000, retries: 0 });
    const res = await client.send({
      method: 'POST',
      path: '/',
      headers: { 'Content-Length': '2', 'Content-Type': 'application/json' },
      body: '{}',
    });
    client.close();
    expect(res.status).toBe(200);
    expect(seen.filter((h) => h === 'content-length')).toHaveLength(1);
    expect(seen.filter((h) => h === 'content-type')).toHaveLength(1);
  }, 15_000);
});

describe('probe run bounds', () => {
  it('has no case cap: a spec of more than 20,000 cases (the old limit) builds and lists every request', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { runCli, tempDir } = await import('../helpers/cli.js');
    const dir = tempDir('authctl-probe-bounds-');
    const endpoints = Array.from({ length: 20_001 }, (_, i) => ({ path: `/p${i}`, public: true }));
    writeFileSync(
      path.join(dir, 'probe.json'),
      JSON.stringify({ base_url: 'http://127.0.0.1:9', endpoints }),
    );
    const result = await runCli(['probe', '--dry-run', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'home') },
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { requests } = JSON.parse(result.stdout);
    expect(requests).toHaveLength(20_001);
    expect(requests.at(-1)).toMatchObject({ endpoint: 'GET /p20000', case: 'public' });
  }, 60_000);
});

describe('a service that never answers', () => {
  it('ends the run with exit 3 (control failed), saying no answer came', async () => {
    const path = await import('node:path');
    const { runCli, tempDir } = await import('../helpers/cli.js');
    const { minimalSpec, writeSpec } = await import('./fixtures/spec.js');
    const url = await serve(() => {});
    const dir = tempDir('authctl-probe-hang-');
    writeSpec(dir, minimalSpec(url));
    const result = await runCli(['probe', '--timeout', '500ms', '--no-skew'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'home') },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/control failed/);
    expect(result.stderr).toMatch(/expected 2xx\/3xx, got no answer within the timeout/);
  }, 60_000);
});

describe('pool', () => {
  it('keeps order, bounds concurrency, and starts nothing new after a failure', async () => {
    const { pool } = await import('../../src/core/probe/runner.js');
    let inFlight = 0;
    let most = 0;
    const ok = await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 2;
    });
    expect(ok).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(most).toBe(3);
    const started: number[] = [];
    await expect(
      pool(
        Array.from({ length: 100 }, (_, i) => i),
        2,
        async (n) => {
          started.push(n);
          await new Promise((resolve) => setImmediate(resolve));
          if (n === 0) throw new Error('unreachable');
          return n;
        },
      ),
    ).rejects.toThrow('unreachable');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started.length).toBeLessThanOrEqual(3);
  });
});
