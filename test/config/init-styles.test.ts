import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../src/core/verify/engine/registry.js';
import { ROOT } from '../helpers/cli.js';

/**
 * src/core/verify/init-styles.ts is generated from the registry (the profile files in
 * templates/profiles/), so the CLI's choices and help name every built-in profile
 * without loading them at start-up. After adding a profile: UPDATE_GENERATED=1 and this file.
 */
const FILE = path.join(ROOT, 'src/core/verify/init-styles.ts');

async function generate(): Promise<string> {
  const profiles = [...buildRegistry().values()];
  const list = (items: string[]) => items.map((s) => `  ${JSON.stringify(s)},`).join('\n');
  const styles = profiles
    .filter((p) => p.init)
    .map((p) => {
      const plan = p.definition?.['init-plan'] ?? {
        files: [],
        'verify-args': [],
        probe: 'probe.toml',
      };
      const style = {
        name: p.name,
        summary: p.init,
        files: plan.files,
        verifyArgs: plan['verify-args'],
        probe: plan.probe,
        ...(plan.modes ? { modes: plan.modes } : {}),
      };
      return `  ${JSON.stringify(style)},`;
    })
    .join('\n');
  const text = `// Generated from the profile registry by test/config/init-styles.test.ts: do not edit. After
// adding a profile file: UPDATE_GENERATED=1 npx vitest run test/config/init-styles.test.ts
// No imports: the CLI reads these lists at start-up without loading a profile.

/** Every built-in profile, in detection order (templates/profiles/*.profile.*). */
export const PROFILES = [
${list(profiles.map((p) => p.name))}
] as const;
export type Profile = (typeof PROFILES)[number];

/** The services they are for, as help names them. */
export const PROFILE_TITLES: readonly string[] = [
${list(profiles.map((p) => p.title))}
];

/** What \`authctl init --profile NAME\` writes besides authctl.toml: the profile file's \`init-plan\`. */
export interface InitStyle {
  name: Profile;
  /** The line the wizard shows. */
  summary: string;
  /** Templates filled with the answers; \`checked\`: verify-config checks the file as this profile. */
  files: readonly { template: string; path: string; checked?: boolean }[];
  /** What the generated CI job passes to verify-config after authctl.toml. */
  verifyArgs: readonly string[];
  /** The probe spec template. */
  probe: string;
  /** The auth modes the wizard offers (default: jwt only). */
  modes?: readonly string[];
}

/**
 * The service styles init can write (profiles with \`init\`), in the order the wizard offers
 * them: the one list the CLI's --profile choices, the wizard and init's file plan read.
 */
export const INIT_STYLES: readonly InitStyle[] = [
${styles}
];
`;
  // Formatted like the rest of src/ (prettier --check runs on it).
  return prettier.format(text, { ...(await prettier.resolveConfig(FILE)), filepath: FILE });
}

describe('src/core/verify/init-styles.ts', () => {
  it('is current with the registry', async () => {
    const want = await generate();
    if (process.env.UPDATE_GENERATED === '1') writeFileSync(FILE, want);
    expect(readFileSync(FILE, 'utf8')).toBe(want);
  });
});
