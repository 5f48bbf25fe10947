// docs/reference.md is generated from the commander tree (scripts/reference.ts): it must match it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { commandTree, REFERENCE_FILE, renderReference } from '../../scripts/reference.js';

describe('docs/reference.md', () => {
  it('is what `npm run docs:reference` generates from the commands (regenerate it when this fails)', async () => {
    const committed = readFileSync(REFERENCE_FILE, 'utf8');
    const generated = await renderReference();
    expect(
      committed === generated,
      'docs/reference.md is stale: run `npm run docs:reference`',
    ).toBe(true);
  });

  it('has a section for every command and a row for every option', async () => {
    const page = readFileSync(REFERENCE_FILE, 'utf8');
    const walk = (command: Command, prefix: string): void => {
      const name = `${prefix} ${command.name()}`.trim();
      expect(page).toContain(`# \`${name}\``);
      for (const option of command.options.filter((o) => !o.hidden)) {
        expect(page, `${name} ${option.flags}`).toContain(
          `| \`${option.flags.replace(/\|/g, '\\|')}\` |`,
        );
      }
      for (const sub of command.commands) walk(sub, name);
    };
    walk(await commandTree(), '');
  });
});
