// The project's own lint rules (scripts/lint/): the layer rule reports what it must and nothing
// else, and the cycle finder finds real cycles in real files (type-only imports included).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import plugin from '../../scripts/lint/plugin.mjs';
import { findCycles, importGraph, sourceFiles } from '../../scripts/lint/cycles.mjs';
import { tempDir } from '../helpers/cli.js';

const CYCLES_CLI = path.join(ROOT, 'scripts', 'lint', 'cycles-cli.mjs');

const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { authctl: plugin },
      rules: { 'authctl/layers': 'error' },
    },
  ],
});
const lint = async (file: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => m.message);
};

describe('authctl/layers', () => {
  it('forbids src/core importing src/cli, type-only and dynamic imports included', async () => {
    for (const code of [
      "import { renderText } from '../../cli/output.js';",
      "import type { Context } from '../cli/context.js';",
      "export { x } from '../../cli/shared.js';",
      "const m = await import('../../cli/main.js');",
    ]) {
      const file = code.includes("'../cli/") ? 'src/core/x.ts' : 'src/core/token/x.ts';
      expect(await lint(file, code), code).toEqual([
        'src/core must not import src/cli: move what both need into src/core',
      ]);
    }
  });

  it('forbids core/config reaching into a feature, but lets it compose the feature section', async () => {
    const [message] = await lint(
      'src/core/config/sections/idp.ts',
      "import { IDP_GRANTS } from '../../idp/constants.js';",
    );
    expect(message).toMatch(
      /^src\/core\/config must not import a feature's internals \(core\/idp\/constants.ts\)/,
    );
    expect(
      await lint('src/core/config/schema.ts', "import { idpSection } from '../idp/config.js';"),
    ).toEqual([]);
    expect(
      await lint('src/core/config/schema.ts', "import { x } from '../idp/config/section.js';"),
    ).toEqual([]);
  });

  it('forbids the public API importing src/cli', async () => {
    for (const file of ['src/index.ts', 'src/api/probe.ts']) {
      const code =
        file === 'src/index.ts'
          ? "export { renderSarif } from './cli/report/index.js';"
          : "export { x } from '../cli/report/index.js';";
      expect(await lint(file, code)).toEqual([
        'the public API (src/index.ts, src/api/) must not import src/cli: export from src/core',
      ]);
    }
  });

  it('lets the CLI import core, core import core, and anyone import packages', async () => {
    expect(
      await lint('src/cli/token.ts', "import { mintToken } from '../core/token/mint.js';"),
    ).toEqual([]);
    expect(
      await lint('src/core/token/mint.ts', "import { x } from '../keys/keystore.js';"),
    ).toEqual([]);
    expect(await lint('src/core/config/load.ts', "import { z } from 'zod';")).toEqual([]);
  });
});

describe('import cycles', () => {
  it('finds a cycle through a type-only import, and none in a chain', () => {
    const dir = tempDir('authctl-cycles-');
    mkdirSync(path.join(dir, 'a'));
    const files = {
      'a/one.ts': "import type { Two } from './two.js';\nexport type One = Two[];\n",
      'a/two.ts':
        "import { three } from '../three.js';\nexport type Two = string;\nexport const t = three;\n",
      'three.ts': "export { type One } from './a/one.js';\nexport const three = 3;\n",
      'chain.ts': "import { three } from './three.js';\nexport const c = three;\n",
    };
    for (const [name, code] of Object.entries(files)) writeFileSync(path.join(dir, name), code);
    const graph = importGraph(sourceFiles(dir));
    const cycles = findCycles(graph).map((cycle) =>
      cycle.map((file) => path.relative(dir, path.join(ROOT, 'src', file))).sort(),
    );
    expect(cycles).toEqual([['a/one.ts', 'a/two.ts', 'three.ts'].map((f) => path.normalize(f))]);
    const cli = spawnSync(process.execPath, [CYCLES_CLI, dir], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/import cycle in src\/: .*one\.ts -> .*two\.ts -> .*three\.ts/);
  });

  it('finds none in src/, so `npm run cycles` passes with no list of known ones', () => {
    expect(findCycles(importGraph(sourceFiles()))).toEqual([]);
    const cli = spawnSync(process.execPath, [CYCLES_CLI], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^no import cycle in src\/ \(\d+ files\)/);
  });
});
