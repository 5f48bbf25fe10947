import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEVERITIES } from '../../src/core/probe/severity.js';
import { WEAK_SECRETS } from '../../src/core/probe/weak-secrets.js';
import { ROOT } from '../helpers/cli.js';

const doc = readFileSync(path.join(ROOT, 'docs', 'probe.md'), 'utf8');

describe('docs/probe.md', () => {
  it('documents every default severity, with its reason, exactly as the code has it', () => {
    const rows = [
      ...doc.matchAll(/^\| `(probe\/[a-z0-9-]+)` \| (critical|error|warning) \| (.+) \|$/gm),
    ].map((m) => [m[1], { severity: m[2], why: m[3] }]);
    expect(Object.fromEntries(rows)).toEqual(DEFAULT_SEVERITIES);
  });

  it('states the size of the bundled weak-secret list', () => {
    expect(doc).toContain(`${WEAK_SECRETS.length} entries`);
  });
});
