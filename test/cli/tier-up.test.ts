// The V8 flags a command starts with (src/cli/tier-up.ts): only `authctl probe`, only on V8 11
// (Node 20), and only flags this Node's V8 accepts (an unknown one prints an error on every run).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/hot-loader.js';
import { PROBE_INTERRUPT_BUDGET, tierUpFlags } from '../../src/cli/tier-up.js';

describe('tierUpFlags', () => {
  it('raises the interrupt budget of a probe run on V8 11 (Node 20)', () => {
    expect(tierUpFlags('probe', '11.3.244.8-node.33')).toEqual([
      `--interrupt-budget=${PROBE_INTERRUPT_BUDGET}`,
    ]);
    expect(PROBE_INTERRUPT_BUDGET).toBe(3 * 67_584);
  });

  it.each([
    ['probe', '11.8.172.17-node.19'],
    ['probe', '12.4.254.21-node.33'],
    ['probe', '13.6.233.17-node.27'],
    ['probe-init', '11.3.244.8-node.33'],
    ['token-mint', '11.3.244.8-node.33'],
    ['idp-serve', '11.3.244.8-node.33'],
    ['verify-config', '11.3.244.8-node.33'],
    ['help', '11.3.244.8-node.33'],
    ['none', '11.3.244.8-node.33'],
  ])('leaves %s on V8 %s as V8 starts', (command, v8) => {
    expect(tierUpFlags(command, v8)).toEqual([]);
  });

  it('keeps a budget set on Node’s own command line', () => {
    for (const flag of ['--interrupt-budget=1000', '--interrupt_budget=1000', '--interrupt-budget'])
      expect(tierUpFlags('probe', '11.3.244.8-node.33', ['--enable-source-maps', flag])).toEqual(
        [],
      );
    expect(
      tierUpFlags('probe', '11.3.244.8-node.33', [
        '--interrupt-budget-for-feedback-allocation=940',
      ]),
    ).toHaveLength(1);
  });

  it('names the probe run from its arguments, global flags and --help included', () => {
    expect(
      tierUpFlags(commandOf(['--home', '/h', 'probe', '--spec', 'p.toml']), '11.3.244.8-node.33'),
    ).toHaveLength(1);
    expect(tierUpFlags(commandOf(['probe', '--help']), '11.3.244.8-node.33')).toEqual([]);
    expect(
      tierUpFlags(commandOf(['probe', 'init', '--from-openapi', 'o.json']), '11.3.244.8-node.33'),
    ).toEqual([]);
  });

  it('gives this Node only flags its V8 knows, with the default it assumes', () => {
    const flags = tierUpFlags('probe', process.versions.v8);
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    const budget =
      /--interrupt-budget \([^)]*\)\s+type: int\s+default: --interrupt-budget=(\d+)/.exec(options);
    if (process.versions.v8.startsWith('11.3.')) {
      expect(flags).toHaveLength(1);
      expect(Number(budget?.[1])).toBe(PROBE_INTERRUPT_BUDGET / 3);
    } else {
      expect(flags).toEqual([]);
      // The flag is gone from V8 12 on: the reason it is not set there.
      if (Number.parseInt(process.versions.v8, 10) >= 12) expect(budget).toBeNull();
    }
  });
});
