import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/core/probe/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// No timing assertions: what expires, in which order, and that nothing else does.
describe('probe request deadlines (one timer for all)', () => {
  it('expires the deadlines not cancelled, oldest first, each once', async () => {
    const deadlines = new Deadlines(30);
    const expired: string[] = [];
    const a = deadlines.add(() => expired.push('a'));
    const b = deadlines.add(() => expired.push('b'));
    await sleep(10);
    deadlines.add(() => expired.push('c'));
    deadlines.cancel(b);
    await sleep(150);
    expect(expired).toEqual(['a', 'c']);
    // Cancelling after expiry changes nothing and throws nothing.
    deadlines.cancel(a);
    await sleep(50);
    expect(expired).toEqual(['a', 'c']);
  });

  it('a deadline added after the others expired still expires (the timer is armed again)', async () => {
    const deadlines = new Deadlines(20);
    const expired: number[] = [];
    deadlines.add(() => expired.push(1));
    await sleep(80);
    deadlines.add(() => expired.push(2));
    await sleep(80);
    expect(expired).toEqual([1, 2]);
  });

  it('cancelled ones behind a pending one are dropped, not expired, across thousands of requests', async () => {
    const deadlines = new Deadlines(40);
    const expired: number[] = [];
    deadlines.add(() => expired.push(-1));
    for (let i = 0; i < 5000; i++) deadlines.cancel(deadlines.add(() => expired.push(i)));
    const last = deadlines.add(() => expired.push(5000));
    await sleep(200);
    expect(expired).toEqual([-1, 5000]);
    deadlines.cancel(last);
  });

  it('keeps no process alive: a pending deadline does not delay the exit', () => {
    // Without unref the child would wait out the 60 s deadline and the test time out.
    const module = path.resolve('src/core/probe/deadlines.ts');
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(module)}).then(({ Deadlines }) => { new Deadlines(60000).add(() => process.exit(7)); });`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  }, 30_000);
});
