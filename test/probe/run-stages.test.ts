import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { ahead, Slots } from '../../src/core/probe/pool.js';
import { runProbe } from '../../src/core/probe/runner.js';
import { cachedMint, optionsKey } from '../../src/core/probe/run/setup.js';
import type { RunProbeOptions } from '../../src/core/probe/run/types.js';
import { decodeToken } from '../../src/core/token/decode.js';
import { CaseQueue, started } from '../../src/core/probe/run/stream.js';
import { parseProbeSpec } from '../../src/core/probe/spec-parse.js';
import type { ProbeResult } from '../../src/core/probe/run/types.js';
import { tempDir } from '../helpers/cli.js';
import {
  forwardTo,
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, SCOPED_ENDPOINT, minimalSpec } from './fixtures/spec.js';

/**
 * Issue #17: a run streams its matrix with the skew bisections beside it, within one concurrency
 * bound, and builds the non-control cases once unless a progress display wants their total first.
 */
let keystore: Keystore;
let jwks: RunningService;
let orders: RunningService;
let front: http.Server;
let frontUrl: string;
/** Requests in flight at the front server, and the most seen at once. */
const seen = { inFlight: 0, most: 0, requests: 0 };

beforeAll(async () => {
  keystore = new Keystore({ dir: tempDir('authctl-probe-stages-') });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
  orders = await startOrdersService({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
  // A proxy in front of the service that counts what is in flight; each answer waits a few ms so
  // that requests of both stages overlap.
  const target = new URL(orders.url);
  front = http.createServer((req, res) => {
    seen.requests++;
    seen.most = Math.max(seen.most, ++seen.inFlight);
    forwardTo(target, req, res, { delayMs: 3, onAnswer: () => seen.inFlight-- });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await Promise.all([orders.close(), jwks.close()]);
});

const EXCLUDE_TYPO = `
[[endpoints]]
method = "DELETE"
path = "/v1/tenants/acme/orders/7"
tenant = "acme"
allow = ["admin"]
exclude = ["jwt:jwu"]
`;

async function run(onProgress?: (done: number, total: number) => void): Promise<ProbeResult> {
  const text = minimalSpec(frontUrl, SCOPED_ENDPOINT + EXCLUDE_TYPO);
  return runProbe({
    spec: parseProbeSpec(parseToml(text), 'probe.toml'),
    config: {},
    keystore,
    concurrency: 3,
    measureSkew: true,
    onProgress,
    env: {},
    cwd: keystore.dir,
  });
}

describe('probe run stages', () => {
  it('keeps the stream and the skew bisections within the concurrency, and counts only for progress', async () => {
    seen.most = 0;
    seen.requests = 0;
    const quiet = await run();
    expect(quiet.status).toBe('ok');
    expect(seen.most).toBeLessThanOrEqual(3);
    expect(seen.most).toBeGreaterThan(1);
    expect(seen.requests).toBe(quiet.summary.requests);

    const calls: [number, number][] = [];
    const shown = await run((done, total) => calls.push([done, total]));
    const controls = shown.cases.filter((c) => c.case.startsWith('allow:')).length;
    expect(controls).toBeGreaterThan(0);
    // The total is known from the first call: every check once, the controls twice.
    expect(calls[0]![1]).toBe(shown.summary.checks + controls);
    expect(calls.at(-1)).toEqual([
      shown.summary.checks + controls,
      shown.summary.checks + controls,
    ]);

    // Counting first or not, the run is the same: cases, checks, skews and the spec's warnings.
    const same = (r: ProbeResult) => ({
      status: r.status,
      checks: r.summary.checks,
      // Less the skew search's: they vary with the second a token is checked in (skew.ts).
      requests: r.summary.requests - (r.skews ?? []).reduce((n, s) => n + s.requests, 0),
      cases: r.cases.map((c) => [c.endpoint, c.case, c.passed]),
      // Which endpoints were measured (the seconds are exact to a second: exp is in whole seconds).
      skews: r.skews?.map((s) => [s.endpoint, s.atLeast]),
      warnings: r.warnings,
    });
    expect(same(quiet)).toStrictEqual(same(shown));
    expect(quiet.summary.checks).toBe(quiet.cases.length);
    expect(quiet.skews?.length).toBeGreaterThan(0);
    expect(quiet.warnings).toEqual([
      'endpoints[4] (DELETE /v1/tenants/acme/orders/7): exclude "jwt:jwu" matches no case',
    ]);
  }, 60_000);
});

describe('Slots', () => {
  it('lets at most `limit` hold a slot and hands each freed slot to the next in line', async () => {
    const slots = new Slots(2);
    const order: number[] = [];
    let inFlight = 0;
    let most = 0;
    // As the Sender uses it: acquire (a promise only when all are taken), work, release in finally.
    const use = async (n: number) => {
      const wait = slots.acquire();
      if (wait) await wait;
      try {
        most = Math.max(most, ++inFlight);
        order.push(n);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        if (n === 3) throw new Error('three');
        return n;
      } finally {
        slots.release();
      }
    };
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => use(n).catch((error: Error) => error.message)),
    );
    expect(results).toEqual([1, 2, 'three', 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    // Every slot came back: two more start at once.
    expect(slots.acquire()).toBeUndefined();
    expect(slots.acquire()).toBeUndefined();
    expect(slots.acquire()).toBeInstanceOf(Promise);
  });
});

describe('started', () => {
  it('builds the first case at once, then yields every case once, in order', async () => {
    const built: number[] = [];
    async function* cases() {
      for (const n of [1, 2, 3]) {
        built.push(n);
        yield n;
      }
    }
    const stream = started(cases() as unknown as AsyncIterable<never>);
    expect(built).toEqual([1]); // before anyone reads
    const read: unknown[] = [];
    for await (const c of stream) read.push(c);
    expect(read).toEqual([1, 2, 3]);
    expect(built).toEqual([1, 2, 3]);
  });

  it('keeps a failure to build for the reader, not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // eslint-disable-next-line require-yield
      async function* failing() {
        throw new Error('bad spec');
      }
      const stream = started(failing() as unknown as AsyncIterable<never>);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow('bad spec');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('CaseQueue', () => {
  const batchesOf = (lists: number[][], built: number[] = []) =>
    (async function* () {
      for (const [i, list] of lists.entries()) {
        built.push(i);
        yield list;
      }
    })() as unknown as AsyncIterator<never[]>;

  it('hands every case to concurrent workers once, in order, across batches', async () => {
    const queue = new CaseQueue(batchesOf([[1, 2, 3], [4], [5, 6]]));
    const taken: unknown[] = [];
    const worker = async () => {
      for (;;) {
        const c = queue.take() ?? (await queue.refill());
        if (c === undefined) return;
        taken.push(c);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(taken).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('builds the next batch while the current one is taken', async () => {
    const built: number[] = [];
    const queue = new CaseQueue(batchesOf([[1, 2], [3]], built));
    expect(await queue.refill()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(built).toEqual([0, 1]); // the second batch, before the first is used up
    expect(queue.take()).toBe(2);
    expect(queue.take()).toBeUndefined();
    expect(await queue.refill()).toBe(3);
    expect(await queue.refill()).toBeUndefined();
  });

  it('throws a failure to build to the worker that waits for it, and leaves none unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing = (async function* () {
        yield [1];
        throw new Error('mint failed');
      })() as unknown as AsyncIterator<never[]>;
      const queue = new CaseQueue(failing);
      expect(await queue.refill()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(queue.refill()).rejects.toThrow('mint failed');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('the mint cache key', () => {
  it("a template's options with a case's overrides: one token per merged options, overrides winning", async () => {
    const mint = cachedMint({ keystore: new Keystore({ dir: tempDir() }) } as RunProbeOptions);
    const base = Object.freeze({ subject: 'alice', audience: ['api://orders'], ttlSeconds: 300 });
    const expired = await mint(base, { defect: { kind: 'expired' } });
    expect(await mint(base, { defect: { kind: 'expired' } })).toBe(expired);
    const sub = (token: string) => decodeToken(token).claims.sub;
    const bob = await mint(base, { subject: 'bob' });
    expect(sub(bob)).toBe('bob');
    const valid = await mint(base);
    expect(sub(valid)).toBe('alice');
    expect(new Set([expired, bob, valid]).size).toBe(3);
    // The same merged options from a fresh object: equal, minted once more at most (never wrong).
    expect(sub(await mint({ ...base, subject: 'bob' }))).toBe('bob');
  });

  it('is equal exactly when the options serialise equal, the attacker key aside', () => {
    const parts = new WeakMap<object, string>();
    const template = { claims: { tid: 'acme' }, audience: ['api://orders'] };
    const key = (o: Record<string, unknown>) => optionsKey(o, parts);
    const a = key({ ...template, subject: 'alice', defect: { kind: 'expired' } });
    expect(key({ ...template, subject: 'alice', defect: { kind: 'expired' } })).toBe(a);
    expect(
      key({ ...template, subject: 'alice', defect: { kind: 'expired' }, attackerKey: {} }),
    ).toBe(a);
    expect(
      key({ ...template, subject: 'alice', defect: { kind: 'expired' }, jti: undefined }),
    ).toBe(a);
    // Fresh objects with the same content (no identity needed), and any difference at any depth.
    expect(
      key({
        claims: { tid: 'acme' },
        audience: ['api://orders'],
        subject: 'alice',
        defect: { kind: 'expired' },
      }),
    ).toBe(a);
    expect(key({ ...template, subject: 'alice', defect: { kind: 'not-yet-valid' } })).not.toBe(a);
    expect(key({ ...template, subject: 'alice,defect', defect: { kind: 'expired' } })).not.toBe(a);
    expect(
      key({
        claims: { tid: 'other' },
        audience: ['api://orders'],
        subject: 'alice',
        defect: { kind: 'expired' },
      }),
    ).not.toBe(a);
    expect(
      key({
        ...template,
        subject: 'alice',
        defect: { kind: 'expired' },
        secret: new Uint8Array([1]),
      }),
    ).not.toBe(
      key({
        ...template,
        subject: 'alice',
        defect: { kind: 'expired' },
        secret: new Uint8Array([2]),
      }),
    );
  });
});

describe('ahead', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('builds up to `depth` items at once and yields them in input order, a slow early one included', async () => {
    let building = 0;
    let most = 0;
    const finished: number[] = [];
    // The first item is the slowest: built alone it would hold every later one back.
    const build = async (i: number) => {
      most = Math.max(most, ++building);
      await sleep(i === 0 ? 40 : 5);
      building--;
      finished.push(i);
      return i * 10;
    };
    const out: number[] = [];
    for await (const value of ahead([0, 1, 2, 3, 4, 5, 6], 3, build)) out.push(value);
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
    // Items 1 and 2 were built while item 0 was still under way.
    expect(finished.slice(0, 3)).toEqual([1, 2, 0]);
  });

  it('throws a failure in its turn, after the items before it', async () => {
    const out: number[] = [];
    const build = async (i: number) => {
      await sleep(i === 2 ? 1 : 10);
      if (i === 2) throw new Error('item 2');
      return i;
    };
    await expect(
      (async () => {
        for await (const value of ahead([0, 1, 2, 3], 4, build)) out.push(value);
      })(),
    ).rejects.toThrow('item 2');
    expect(out).toEqual([0, 1]);
  });
});
