// Every `authctl …` command in a shell block of README.md and docs/*.md names a real command and
// real options, checked against the commander tree the CLI builds: a renamed flag or command fails
// here instead of in a reader's terminal. (Running them is what the e2e tests and .ci/run's quick
// start do; this covers every example, including the ones that need a service to talk to.)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandTree } from '../../scripts/reference.js';
import { ROOT } from '../helpers/cli.js';

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'reference.md')
    .map((name) => `docs/${name}`),
];

interface Example {
  where: string;
  words: string[];
}

/** Shell words of one line, quotes removed; `#` starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(#.*$)|([|;&<>()]+)|([^\s"'|;&<>()]+)/g;
  let word: string | undefined;
  for (const m of line.matchAll(pattern)) {
    if (m[3] !== undefined && word === undefined) break;
    if (m[4] !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
      words.push(m[4]);
      continue;
    }
    const text = m[1] ?? m[2] ?? m[5] ?? m[3] ?? '';
    word = (word ?? '') + text;
    const end = m.index! + m[0].length;
    if (end >= line.length || /\s/.test(line[end]!)) {
      words.push(word);
      word = undefined;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every `authctl …` invocation in the shell blocks of `file`. */
function examplesIn(file: string): Example[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const found: Example[] = [];
  let shell = false;
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\w*)/.exec(lines[i]!);
    if (fence) {
      fenced = !fenced;
      shell = fenced && ['sh', 'bash', 'shell', 'console'].includes(fence[1]!);
      continue;
    }
    if (!shell) continue;
    let line = lines[i]!.replace(/^\s*\$ /, '');
    const start = i + 1;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const words = shellWords(line);
    words.forEach((word, at) => {
      if (word !== 'authctl' && !word.endsWith('/authctl')) return;
      if (words[at - 1]?.startsWith('-')) return; // a value: `curl -o authctl …`
      const end = words.findIndex((w, j) => j > at && /^[|;&<>()]+$/.test(w));
      found.push({
        where: `${file}:${start}`,
        words: words.slice(at + 1, end < 0 ? undefined : end),
      });
    });
  }
  return found;
}

const findOption = (command: Command, flag: string) => {
  for (let at: Command | null = command; at; at = at.parent) {
    const option = at.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
};

/** What is wrong with one example, or undefined. */
function check(program: Command, words: string[]): string | undefined {
  let command = program;
  let positional = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') break;
    if (/^-[\w-]/.test(word) && !/^-\d/.test(word)) {
      const [flag, inline] = word.split('=', 2);
      if (flag === '--help' || flag === '-h') continue;
      const option = findOption(command, flag!);
      if (!option) return `unknown option ${flag} of '${command.name()}'`;
      if ((option.required || option.optional) && inline === undefined) {
        if (option.required || (words[i + 1] && !words[i + 1]!.startsWith('-'))) i++;
      }
      continue;
    }
    const sub = positional
      ? undefined
      : command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) command = sub;
    else if (
      command.commands.length > 0 &&
      !positional &&
      command.registeredArguments.length === 0
    ) {
      return `unknown command '${word}' of '${command.name()}'`;
    } else positional = true;
  }
  return undefined;
}

describe('the authctl commands in README.md and docs/', async () => {
  const program = await commandTree();
  const examples = PAGES.flatMap(examplesIn);

  it('are many (the extraction works)', () => {
    expect(examples.length).toBeGreaterThan(100);
    expect(examples.map((e) => e.where)).toContain('README.md:23');
  });

  it('name real commands and options', () => {
    const problems = examples
      .map((example) => {
        const why = check(program, example.words);
        return why && `${example.where}: authctl ${example.words.join(' ')}: ${why}`;
      })
      .filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('would catch a renamed flag or command', () => {
    expect(check(program, ['token', 'mint', '--sub', 'alice'])).toBeUndefined();
    expect(check(program, ['token', 'mint', '--subject', 'alice'])).toMatch(
      /unknown option --subject/,
    );
    expect(check(program, ['token', 'mnt'])).toMatch(/unknown command 'mnt'/);
  });
});
