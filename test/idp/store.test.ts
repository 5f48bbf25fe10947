import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/idp/store-memory.js';
import { codeRecord, storeContract } from './store-contract.js';

describe('idp store: the in-memory IssuerStore', () => {
  let now = Date.UTC(2030, 0, 1);
  storeContract(
    async () => new MemoryStore({ now: () => now }),
    () => now,
  );

  it('refuses a new entry in a full table until the sweep (issuer clock) makes room', async () => {
    const store = new MemoryStore({ maxEntries: 1, now: () => now });
    await store.putCode('c1', codeRecord(now));
    await expect(store.putCode('c2', codeRecord(now))).rejects.toMatchObject({
      status: 503,
      error: 'temporarily_unavailable',
    });
    now += 3600_000;
    await store.putCode('c2', codeRecord(now));
    expect((await store.sizes()).codes).toBe(1);
    expect(await store.useOnce('assertion', 'j1', now + 1000)).toBe(true);
    await expect(store.useOnce('assertion', 'j2', now + 1000)).rejects.toMatchObject({
      status: 503,
    });
  });

  it('holds no shared state of its own: the process clock and faults are the only ones', async () => {
    const store = new MemoryStore();
    expect(await store.loadShared()).toBeUndefined();
    expect(await store.health()).toMatchObject({ ok: true, kind: 'memory' });
  });
});
