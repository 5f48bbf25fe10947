import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { nameFields, usageError } from '../../src/core/errors.js';
import { COMMAND_GROUPS } from '../../src/cli/commands.js';
import { CliContext } from '../../src/cli/context.js';
import { flagNamer } from '../../src/cli/fields.js';
import { buildProgram } from '../../src/cli/main.js';

/**
 * Core errors name fields (`{{grace}}`), never flags: how a value reached core (a flag, a config key,
 * a request body) is the CLI's business. These tests read src/core's syntax tree.
 */

const core = path.resolve(import.meta.dirname, '../../src/core');
const FLAG = /(^|[^\w`-])--[a-z]/;
/** Constructors of errors: their arguments are what a user reads. */
const ERROR_CALLS = new Set(['usageError', 'environmentError', 'checkError', 'writeError']);
/**
 * Files that build command lines (curl, `authctl token mint`, demo steps) or parse curl's: there a
 * `--flag` is the command line itself, not a name for an input of the command that ran.
 */
const COMMAND_LINE_BUILDERS = new Set([
  'demo/run.ts',
  'demo/scenarios.ts',
  'demo/steps.ts',
  'probe/credentials.ts',
  'probe/curl.ts',
  'probe/hmac-secret.ts',
  'probe/jwt-template.ts',
  'probe/weak-secret-cases.ts',
  'sigv4/curl.ts',
  'sigv4/parse.ts',
  'sigv4/parse-curl.ts',
]);
/** Single command-line pieces in other files, with the reason they may stay. */
const COMMAND_LINE_PIECES: Record<string, string[]> = {
  // the verify-config step written into the generated CI job (recsys's [init-plan] verify-args)
  'verify/init-styles.ts': ['--env-file .env.example'],
};

function coreFiles(): Array<{ file: string; source: ts.SourceFile }> {
  return readdirSync(core, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const text = readFileSync(full, 'utf8');
      return {
        file: path.relative(core, full).split(path.sep).join('/'),
        source: ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true),
      };
    });
}

/** The literal text pieces under `node` (strings and the fixed parts of template literals). */
function texts(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node))
    return [
      node.head.text,
      ...node.templateSpans.flatMap((s) => [...texts(s.expression), s.literal.text]),
    ];
  return node.getChildren().flatMap(texts);
}

/** A full command line in backticks (`authctl keys rotate --drop-old`) is an example to copy, not a field. */
const withoutExamples = (text: string) => text.replace(/`(authctl|curl) [^`]*`/g, '');

function calleeName(node: ts.CallExpression | ts.NewExpression): string {
  const callee = node.expression;
  return ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : '';
}

function where(source: ts.SourceFile, node: ts.Node, file: string): string {
  return `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

describe('core errors carry fields, not flag names', () => {
  const files = coreFiles();

  it('no error message, where or hint written in src/core names a --flag', () => {
    const found: string[] = [];
    for (const { file, source } of files) {
      const visit = (node: ts.Node) => {
        if (
          (ts.isCallExpression(node) && ERROR_CALLS.has(calleeName(node))) ||
          (ts.isNewExpression(node) && calleeName(node) === 'AuthctlError')
        ) {
          for (const text of (node.arguments ?? []).flatMap(texts))
            if (FLAG.test(withoutExamples(text)))
              found.push(`${where(source, node, file)}: ${text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it("no '--flag' string in src/core outside the files that build command lines", () => {
    const found: string[] = [];
    for (const { file, source } of files) {
      if (COMMAND_LINE_BUILDERS.has(file)) continue;
      const visit = (node: ts.Node) => {
        if (
          ts.isStringLiteral(node) ||
          ts.isNoSubstitutionTemplateLiteral(node) ||
          ts.isTemplateHead(node)
        ) {
          if (/^--[a-z]/.test(node.text) && !COMMAND_LINE_PIECES[file]?.includes(node.text))
            found.push(`${where(source, node, file)}: ${node.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });
});

/** Every `{{field}}` written in src/core's string literals. */
function coreFields(files: Array<{ source: ts.SourceFile }>): Set<string> {
  const fields = new Set<string>();
  for (const { source } of files) {
    const visit = (node: ts.Node) => {
      if (
        ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)
      )
        for (const match of node.text.matchAll(/\{\{([A-Za-z][\w.-]*)\}\}/g)) fields.add(match[1]!);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return fields;
}

/** The whole command tree, every group registered. */
async function commandTree(): Promise<Command[]> {
  const stream = () => Object.assign(new PassThrough(), { isTTY: false });
  const ctx = new CliContext(
    { json: false, quiet: true, verbose: false, color: false },
    { stdout: stream(), stderr: stream(), stdin: stream() },
    {},
    process.cwd(),
  );
  const program = buildProgram(ctx);
  for (const group of COMMAND_GROUPS) (await group.load()).register(program, ctx);
  const all: Command[] = [];
  const walk = (command: Command) => {
    all.push(command);
    command.commands.forEach(walk);
  };
  walk(program);
  return all;
}

describe('fields in errors', () => {
  it('every field core names is a flag of some authctl command (the CLI never invents one)', async () => {
    const commands = await commandTree();
    const flags = new Set(commands.flatMap((c) => c.options.map((o) => o.long)));
    const fields = coreFields(coreFiles());
    expect(fields.size).toBeGreaterThan(40);
    const missing = [...fields, 'notAFlagAnywhere'].filter((field) => {
      const named = commands.map((c) => flagNamer(c)(field));
      return !named.some((flag) => flags.has(flag));
    });
    expect(missing).toEqual(['notAFlagAnywhere']);
  });

  it('read as their own names outside the CLI, and as the flags of the command that ran in it', () => {
    const error = usageError('ERR_APIKEY_GRACE', '{{grace}} must not be negative, got -5s', {
      field: 'grace',
      hint: 'give {{grace}} 0 or more, or leave out {{expiresIn}}',
    });
    expect(error.message).toBe('grace must not be negative, got -5s');
    expect(error.where).toBe('grace');
    expect(error.fields).toEqual(['grace', 'expiresIn']);

    const rotate = new Command('rotate')
      .option('--grace <duration>')
      .option('--expires <duration>');
    const rendered = error.render(flagNamer(rotate, { expiresIn: '--expires' }));
    expect(rendered).toMatchObject({
      code: 'ERR_APIKEY_GRACE',
      message: '--grace must not be negative, got -5s',
      where: '--grace',
      hint: 'give --grace 0 or more, or leave out --expires',
    });
  });

  it("a field is named by the command's option, a parent's (global) option, else as a flag", () => {
    const program = new Command('authctl').option('--home <dir>');
    const sub = program.command('serve').option('--no-control').option('--ready-file <file>');
    const name = flagNamer(sub);
    expect(nameFields('{{home}}, {{control}}, {{readyFile}}, {{secretEnv}}', name)).toBe(
      '--home, --no-control, --ready-file, --secret-env',
    );
  });
});
