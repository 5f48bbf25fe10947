// `node scripts/lint/fn-lengths.mjs [--top N] [--over N] [--exclude DIR]... [DIR]...`: the longest
// functions of src/ (or the DIRs), by the TypeScript compiler's own parse. A function's length is
// counted as ESLint's max-lines-per-function counts it here (eslint.config.mjs: blank and comment
// lines skipped), so the numbers agree with the lint; nested functions count in their parent too.
// The project's rule of thumb is 60 lines (the lint's hard limit is 80): this lists what is over it,
// and the files over the 400-line limit, to measure a split (issue #12 item 6).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { sourceFiles } from './cycles.mjs';
import { ROOT, SRC } from './layers.mjs';

const FILE_LIMIT = 400;

/** The lines of `source` that hold code: the lines every token (not comment, not blank) spans. */
function codeLines(source) {
  const lines = new Set();
  const visit = (node) => {
    const children = node.getChildren(source);
    if (children.length > 0 || node.kind === ts.SyntaxKind.EndOfFileToken) {
      for (const child of children) visit(child);
      return;
    }
    const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
    const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
    for (let line = first; line <= last; line++) lines.add(line);
  };
  visit(source);
  return lines;
}

const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** What a reader would call the function: its own name, the variable or property it is, or its class's. */
function functionName(node, source) {
  const own = node.name?.getText(source);
  const parent = node.parent;
  const holder =
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
      ? parent.name.getText(source)
      : undefined;
  const name = own ?? holder ?? (ts.isConstructorDeclaration(node) ? 'constructor' : '<anonymous>');
  const owner = ts.isClassLike(parent) ? parent.name?.getText(source) : undefined;
  return owner ? `${owner}.${name}` : name;
}

/** Every function of `file` with its code-line count and where it starts. */
export function functionLengths(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const code = codeLines(source);
  const found = [];
  const visit = (node) => {
    if (FUNCTION_KINDS.has(node.kind)) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      let lines = 0;
      for (let line = first; line <= last; line++) if (code.has(line)) lines++;
      found.push({ file, line: first + 1, name: functionName(node, source), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { functions: found, fileLines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
}

/** The functions and file sizes of every .ts file under `dirs`, except those under `exclude`. */
export function measure(dirs, exclude = []) {
  const skipped = exclude.map((dir) => path.resolve(ROOT, dir) + path.sep);
  const files = dirs
    .flatMap((dir) => sourceFiles(path.resolve(ROOT, dir)))
    .filter((file) => !skipped.some((dir) => file.startsWith(dir)));
  const functions = [];
  const bigFiles = [];
  for (const file of files) {
    const result = functionLengths(file);
    functions.push(...result.functions);
    if (result.fileLines > FILE_LIMIT) bigFiles.push({ file, lines: result.fileLines });
  }
  functions.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
  return { files: files.length, functions, bigFiles };
}

function main() {
  const { values, positionals } = parseArgs({
    options: {
      top: { type: 'string', default: '20' },
      over: { type: 'string', default: '60' },
      exclude: { type: 'string', multiple: true, default: [] },
    },
    allowPositionals: true,
  });
  const top = Number(values.top);
  const over = Number(values.over);
  if (!Number.isInteger(top) || top < 0 || !Number.isInteger(over) || over < 1) {
    console.error('fn-lengths: --top and --over take whole numbers (e.g. --top 20 --over 60)');
    process.exitCode = 2;
    return;
  }
  const dirs = positionals.length ? positionals : [path.relative(ROOT, SRC)];
  const { files, functions, bigFiles } = measure(dirs, values.exclude);
  const where = (f) => `${path.relative(ROOT, f.file).split(path.sep).join('/')}:${f.line}`;
  for (const f of functions.slice(0, top))
    console.log(`${String(f.lines).padStart(5)}  ${where(f)}  ${f.name}`);
  const long = functions.filter((f) => f.lines > over);
  const largest = functions[0];
  console.log(
    `${long.length} of ${functions.length} functions over ${over} lines in ${files} files` +
      (largest ? `; largest ${largest.lines} (${largest.name}, ${where(largest)})` : ''),
  );
  console.log(`${bigFiles.length} files over ${FILE_LIMIT} lines`);
  for (const f of bigFiles) console.log(`  ${f.lines}  ${path.relative(ROOT, f.file)}`);
}

main();
