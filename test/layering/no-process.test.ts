import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CORE = path.resolve(__dirname, '../../src/core');

/**
 * The only `process.*` core may touch: facts about this OS process itself, which no caller could
 * meaningfully hand in. Everything else (env, cwd, the clock, fetch) comes in through Deps
 * (src/core/deps.ts), filled at the CLI edge.
 */
const ALLOWED: Record<string, string[]> = {
  // Temp files are named .NAME.PID.RANDOM.tmp so a later writer can tell a dead writer's leftover
  // (removed) from a live one's; the final mode is masked by the umask, as open() would.
  'fs/atomic.ts': ['pid', 'umask'],
  // A lock file names its owner's pid; kill(pid, 0) tells whether that owner still runs.
  'fs/lock.ts': ['pid', 'kill'],
  'fs/leftovers.ts': ['pid', 'kill'],
  // The demo's example services run on the same Node binary as authctl.
  'demo/spawn.ts': ['execPath'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every `process.NAME` (and `globalThis.process`, `node:process` imports) in a file's code. */
function processUses(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'process'
    )
      found.push(node.name.text);
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'process')
      found.push(`${node.expression.getText(source)}.process`);
    if (ts.isElementAccessExpression(node) && node.expression.getText(source) === 'process')
      found.push('[…]');
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      /^(node:)?process$/.test(node.moduleSpecifier.text)
    )
      found.push(`import '${node.moduleSpecifier.text}'`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('layering: src/core reads no process.* (issue #12 item 5)', () => {
  it('only the OS-process facts listed in ALLOWED, each with its reason', () => {
    const offending: string[] = [];
    for (const file of files(CORE)) {
      const rel = path.relative(CORE, file).split(path.sep).join('/');
      const allowed = ALLOWED[rel] ?? [];
      for (const use of processUses(file))
        if (!allowed.includes(use)) offending.push(`src/core/${rel}: process.${use}`);
    }
    expect(offending, 'pass it in through Deps (src/core/deps.ts) instead').toEqual([]);
  });

  it('the check sees process.env, process.cwd(), globalThis.process and node:process, not comments', () => {
    const text = [
      "import p from 'node:process';",
      'const a = process.env.X;',
      'const b = process.cwd();',
      'const c = globalThis.process;',
      '// process.env in a comment does not count',
      "const d = 'process.env in a string neither';",
    ].join('\n');
    expect(processUses('sample.ts', text)).toEqual([
      "import 'node:process'",
      'env',
      'cwd',
      'globalThis.process',
    ]);
  });
});
