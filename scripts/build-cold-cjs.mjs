// The cold files as CommonJS (dist/cold/*.cjs), for the code cache (issue #17). On Node 20 only a
// script, not an ES module, can be compiled with V8's cached data (src/cli/hot-loader.ts), and the
// first ES module a command imports starts Node's ES module loader (~5 ms: `sigv4 sign` was 1.45×
// `node -e 0` where `token mint`, all CommonJS, is 1.25×). esbuild code-splits ES modules only, so
// the cold and library build stays ESM and each of its dist/cold files is then transformed on its
// own into CommonJS: chunk imports become require() calls of the .cjs files, which the hot loader
// compiles with the cache. The library's entries (dist/lib/*.js) stay ES modules, the public API's
// format, and import the .cjs chunks through Node's CommonJS interop (esbuild annotates each file's
// export names for its lexer: `0 && (module.exports = {...})`).
//
// A cold file's dynamic import() of another becomes a require() (the CLI's hot loader, or Node's
// require), never Node's import() of a .cjs file: that would hand back `module.exports` as the
// default export, not the module's own default.
import path from 'node:path';
import { transform } from 'esbuild';
import { root } from './build-shared.mjs';

/** The ESM build's banner (build.mjs `common`): CommonJS has a require of its own. */
const ESM_BANNER =
  "import { createRequire as __authctlCreateRequire } from 'node:module'; const require = __authctlCreateRequire(import.meta.url);";

const isColdModule = (file) => /[\\/]dist[\\/]cold[\\/][^\\/]+\.js$/.test(file.path);

/**
 * `outputs` with every dist/cold ES module transformed into CommonJS (`cjs`: the options of the other
 * CommonJS files, build.mjs's hotFormat) and every reference to one renamed to its .cjs file.
 */
export async function coldAsCommonJS(outputs, cjs) {
  const renamed = new Set(outputs.filter(isColdModule).map((file) => path.basename(file.path)));
  // `./x.js` only occurs in dist/cold files, for a sibling: `../cold/x.cjs` there is the same file,
  // and the one form the hot loader's router takes.
  const rename = (text) =>
    text.replace(/(["'`])(?:\.\.\/cold\/|\.\/)([\w.-]+)\.js\1/g, (whole, quote, name) =>
      renamed.has(`${name}.js`) ? `${quote}../cold/${name}.cjs${quote}` : whole,
    );
  const others = outputs
    .filter((file) => !isColdModule(file))
    .map((file) => otherFile(file, rename));
  // The cold files an ES module imports names from: only they need the lexer's annotation.
  const named = new Set(
    others
      .filter((file) => /\.m?js$/.test(file.path))
      .flatMap((file) => [...file.text.matchAll(/from\s*["']\.\.\/cold\/([\w.-]+\.cjs)["']/g)])
      .map((match) => match[1]),
  );
  const interop = await interopHelpers();
  const cold = await Promise.all(
    outputs.filter(isColdModule).map(async (file) => {
      const to = file.path.replace(/\.js$/, '.cjs');
      let code = await toCommonJS(rename(file.text.replace(ESM_BANNER, '')), cjs.define);
      if (!named.has(path.basename(to))) code = code.replace(ANNOTATION, '\n');
      return textFile(to, shortBindings(interop.shared(code, path.relative(root, to)), to));
    }),
  );
  for (const file of [...others, ...cold]) {
    const left = /["'`](?:\.\.\/cold\/|\.\/)[^"'`]+\.js["'`]/.exec(file.text ?? '');
    if (left)
      throw new Error(
        `${path.relative(root, file.path)}: ${left[0]} names a cold file not renamed to .cjs`,
      );
  }
  const outdir = path.dirname(path.dirname(outputs.find(isColdModule).path));
  return [textFile(path.join(outdir, INTEROP_FILE), interop.file), ...others, ...cold];
}

/**
 * esbuild's own bindings with short names: `import_chunk_P5BIKNER` (one per imported file) and
 * `stdin_exports`/`stdin_default` were 55 kB of the cold files (~4 kB of the tarball). Only names the
 * file declares itself, renamed to `$_<n>`, which must not occur in it already.
 */
function shortBindings(code, file) {
  if (code.includes('$_'))
    throw new Error(`${path.relative(root, file)}: holds "$_", the short names' prefix`);
  const declared = new Set(
    [
      ...code.matchAll(/(?<=(?:^|[;,{]|var )\s*)(import_[\w$]+|stdin_exports|stdin_default)(?==)/g),
    ].map((match) => match[1]),
  );
  let next = 0;
  const short = new Map([...declared].map((name) => [name, `$_${(next++).toString(36)}`]));
  return short.size
    ? code.replace(
        /(?<![\w$])(import_[\w$]+|stdin_exports|stdin_default)(?![\w$])/g,
        (name) => short.get(name) ?? name,
      )
    : code;
}

/** esbuild's annotation of a CommonJS file's export names, for Node's lexer (ES module importers). */
const ANNOTATION = /0&&\(module\.exports=\{[^}]*\}\);\s*$/;

/**
 * A file that is not a cold ES module, with the cold files it names renamed. An ES module (dist/lib/*.js)
 * requires those it loads lazily, with the banner's require; the CommonJS files route theirs
 * (build.mjs commonJsPrologue).
 */
function otherFile(file, rename) {
  if (!/\.[cm]?js$/.test(file.path)) return file;
  const renamed = rename(file.text);
  const text = file.path.endsWith('.cjs')
    ? renamed
    : renamed.replace(
        /\bimport\((["'`]\.\.\/cold\/[\w.-]+\.cjs["'`])\)/g,
        'Promise.resolve().then(() => require($1))',
      );
  return text === file.text ? file : textFile(file.path, text);
}

const toCommonJS = async (code, define) =>
  (
    await transform(code, {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      // Not minifyIdentifiers: the helpers keep the names interopHelpers takes them by (the code
      // was minified by the bundling build; only its import bindings get long names here).
      define,
      logLevel: 'warning',
    })
  ).code;

/** The one file holding esbuild's CommonJS interop helpers, which each cold file would carry (~600 B). */
const INTEROP_FILE = 'cold/cjs-interop.cjs';

/**
 * esbuild's interop helpers (__toESM, __export, __copyProps...), from a module using all of them, as
 * one file, and `shared(code)`: a transformed file with its own definitions replaced by a require of
 * that file. Each definition taken must be exactly the reference one, or the build fails: a newer
 * esbuild that changed a helper must not run with the old one.
 */
async function interopHelpers() {
  const reference = await toCommonJS(
    'import d, { a } from "./a.js"; import * as b from "b"; export * from "./c.js"; export { a, b, d }; export default 1;',
  );
  const { helpers } = helperPrelude(reference);
  const known = new Map(helpers);
  const declarations = helpers.map(([name, value]) => `var ${name}=${value};`).join('');
  return {
    file: `${declarations}module.exports={${[...known.keys()].join(',')}};\n`,
    shared(code, file) {
      const { helpers: own, end, rest } = helperPrelude(code);
      for (const [name, value] of own)
        if (unnumbered(known.get(name)) !== unnumbered(value))
          throw new Error(`${file}: esbuild's ${name} is not the one ${INTEROP_FILE} holds`);
      if (!own.length) return code;
      const body = `${rest}${code.slice(end)}`;
      // Those the code calls: the others were there for the helpers' own use.
      const names = own.map(([name]) => name).filter((name) => body.includes(name));
      return `var{${names.join(',')}}=require("../${INTEROP_FILE}");${body}`;
    },
  };
}

/** esbuild renames a helper's parameter that a file's own top-level name would shadow: `to` → `to2`. */
const unnumbered = (code) => code?.replace(/(?<![\w$])([A-Za-z_]+)\d+(?![\w$])/g, '$1');

/**
 * The helper definitions esbuild puts first (`var __a=...,__b=...;var __c=...;`): [name, value]
 * pairs, where they end, and `rest`: `var ` when their last statement goes on with other declarations.
 */
function helperPrelude(code) {
  const helpers = [];
  let at = 0;
  while (code.startsWith('var __', at)) {
    at += 4;
    for (;;) {
      const name = /^__\w+(?==)/.exec(code.slice(at, at + 64))?.[0];
      if (!name) throw new Error(`cannot read esbuild's helpers at ${code.slice(at, at + 40)}`);
      const end = valueEnd(code, at + name.length + 1);
      helpers.push([name, code.slice(at + name.length + 1, end)]);
      at = end + 1;
      if (code[end] === ';') break;
      if (!code.startsWith('__', at)) return { helpers, end: at, rest: 'var ' };
    }
  }
  return { helpers, end: at, rest: '' };
}

/** Where a declarator's value ends: the first `,` or `;` outside brackets and string literals. */
function valueEnd(code, from) {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && (c === ',' || c === ';')) return i;
  }
  throw new Error('unterminated helper definition');
}

const textFile = (file, text) => ({ path: file, text, contents: Buffer.from(text) });

/** bundles.json's keys follow the files (cold/x.js → cold/x.cjs), with the interop file among `outputs`. */
export function renameColdKeys(map, outputs) {
  const interop = outputs.find((file) => file.path.endsWith(INTEROP_FILE.replace('/', path.sep)));
  return {
    ...Object.fromEntries(
      Object.entries(map).map(([key, value]) => [
        /^cold\/[^/]+\.js$/.test(key) ? key.replace(/\.js$/, '.cjs') : key,
        value,
      ]),
    ),
    [INTEROP_FILE]: { bytes: interop.contents.length, sources: [], packages: [] },
  };
}
