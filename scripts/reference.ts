// The command reference (docs/reference.md), generated from the commander tree the CLI builds, so
// it cannot drift from `--help`: `npm run docs:reference` writes it, test/docs/reference.test.ts
// fails when the committed page differs from what this prints.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Command, Option } from 'commander';
import { COMMAND_GROUPS } from '../src/cli/commands.js';
import { CliContext } from '../src/cli/context.js';
import { buildProgram } from '../src/cli/main.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_FILE = path.join(root, 'docs', 'reference.md');

/** The whole tree: every group registered on one program, as `authctl COMMAND` would see it. */
export async function commandTree(): Promise<Command> {
  const sink = () => Object.assign(new PassThrough(), { isTTY: false });
  const globals = { json: false, quiet: true, verbose: false, color: false };
  const io = { stdout: sink(), stderr: sink(), stdin: sink() };
  const ctx = new CliContext(globals, io, { NO_COLOR: '1' }, root);
  const program = buildProgram(ctx);
  for (const group of COMMAND_GROUPS) (await group.load()).register(program, ctx);
  return program;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const fullName = (command: Command): string =>
  command.parent ? `${fullName(command.parent)} ${command.name()}` : command.name();
const anchor = (command: Command) => fullName(command).replace(/ /g, '-');

function optionRow(option: Option): string {
  const preset = option.defaultValue;
  const shown =
    preset === undefined || preset === false || (option.negate && preset === true)
      ? ''
      : ` (default: \`${typeof preset === 'string' ? preset : JSON.stringify(preset)}\`)`;
  const choices = option.argChoices ? ` (one of: ${option.argChoices.join(', ')})` : '';
  return `| \`${cell(option.flags)}\` | ${cell(option.description)}${choices}${shown} |`;
}

function section(command: Command, depth: number): string[] {
  const visible = command.commands.filter((sub) => !(sub as { _hidden?: boolean })._hidden);
  const options = command.options.filter((option) => !option.hidden);
  const lines = [`${'#'.repeat(Math.min(depth, 4))} \`${fullName(command)}\``, ''];
  if (command.description()) lines.push(cell(command.description()), '');
  lines.push('```text', `${fullName(command)} ${command.usage()}`.trim(), '```', '');
  if (command.aliases().length > 0) lines.push(`Alias: \`${command.aliases().join('`, `')}\``, '');
  if (command.registeredArguments.length > 0) {
    lines.push('| argument | meaning |', '|---|---|');
    for (const argument of command.registeredArguments) {
      const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
      const shape = argument.required ? `<${name}>` : `[${name}]`;
      lines.push(`| \`${shape}\` | ${cell(argument.description || '')} |`);
    }
    lines.push('');
  }
  if (options.length > 0) {
    lines.push('| option | meaning |', '|---|---|', ...options.map(optionRow), '');
  }
  if (visible.length > 0) {
    lines.push('| command | what it does |', '|---|---|');
    for (const sub of visible) {
      lines.push(
        `| [\`${sub.name()}\`](#${anchor(sub)}) | ${cell(sub.summary() || sub.description())} |`,
      );
    }
    lines.push('');
  }
  for (const sub of visible) lines.push(...section(sub, depth + 1));
  return lines;
}

/** docs/reference.md as it should be. */
export async function renderReference(): Promise<string> {
  const program = await commandTree();
  const header = [
    '# Command reference',
    '',
    '<!-- Generated from the commander tree by `npm run docs:reference` (scripts/reference.ts): do not',
    '     edit by hand; test/docs/reference.test.ts fails when it is stale. -->',
    '',
    'Every command, argument and option, as `--help` shows them. What the commands are for, with',
    "examples, is on each command group's page ([docs/](README.md)); exit codes and output formats",
    'are in [output.md](output.md).',
    '',
  ];
  return [...header, ...section(program, 2)].join('\n').replace(/\n+$/, '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(REFERENCE_FILE, await renderReference());
  console.log(`wrote ${path.relative(root, REFERENCE_FILE)}`);
}
