import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * vitest globalSetup: one directory for every temp dir of a test run (tempDir in cli.ts), removed
 * when the run ends. Without it each `npm test` left ~900 directories in the system temp dir, test
 * keystores among them. Workers start after this and inherit the variable.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'authctl-tests-'));
  process.env.AUTHCTL_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
