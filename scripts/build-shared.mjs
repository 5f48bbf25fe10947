// esbuild plugins shared by the npm build (scripts/build.mjs) and the single-file binary
// (scripts/build-binary.mjs), so both bundle the same code the same way.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
/** The subpath entry points of the library ('token' for `authctl/token`), from package.json "exports"; each is src/api/<name>.ts. */
export const PUBLIC_SUBPATHS = Object.keys(pkg.exports)
  .filter((key) => key !== '.' && !key.endsWith('.json'))
  .map((key) => key.slice(2));

// commander requires node:child_process at load time, only to run git-style executable subcommands
// (unused here); loading it drags in net and dgram on every start, so commander gets a lazy proxy.
/**
 * For each dynamic import in a build: `decide(args, resolved)` answers esbuild's onResolve with the
 * import resolved as esbuild would (the nested resolve is marked, so it reaches the other plugins only).
 */
export function onDynamicImport(b, decide) {
  b.onResolve({ filter: /.*/ }, async (args) => {
    if (args.kind !== 'dynamic-import' || args.pluginData?.resolving) return undefined;
    const resolved = await b.resolve(args.path, {
      kind: args.kind,
      resolveDir: args.resolveDir,
      importer: args.importer,
      pluginData: { resolving: true },
    });
    return decide(args, resolved);
  });
}

export const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

/** The prompts authctl shows (src/cli/config.ts askInit); a prompt missing here fails the build. */
const INQUIRER_PROMPTS = ['select', 'checkbox', 'input'];

/**
 * Keeps unused parts of two packages out of the bundle: zod's locale index becomes English only, and
 * '@inquirer/prompts' (every prompt, re-exported) becomes the few authctl uses, from their own packages.
 * typescript, which cosmiconfig loads only for .ts config files (not an authctl format), becomes a stub
 * that says so when used, instead of a missing package. cosmiconfig's js-yaml and parse-json (for a
 * project's package.yaml or .config/config.* meta config) become the `yaml` package authctl already
 * depends on and JSON.parse: 30 kB of the tarball (authctl's own config files have their own parsers).
 */
export const trimPackages = {
  name: 'trim-packages',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.join(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
    b.onResolve({ filter: /^@inquirer\/prompts$/ }, () => ({
      path: '@inquirer/prompts',
      namespace: 'inquirer-prompts',
    }));
    b.onLoad({ filter: /.*/, namespace: 'inquirer-prompts' }, () => ({
      contents: INQUIRER_PROMPTS.map(
        (name) => `export { default as ${name} } from '@inquirer/${name}';`,
      ).join('\n'),
      resolveDir: path.join(root, 'node_modules', '@inquirer', 'prompts'),
      loader: 'js',
    }));
    b.onResolve({ filter: /^(js-yaml|parse-json)$/ }, (args) =>
      /node_modules[\\/]cosmiconfig[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'cosmiconfig-parsers' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cosmiconfig-parsers' }, (args) => ({
      contents:
        args.path === 'js-yaml'
          ? "const YAML = require('yaml'); module.exports = { load: (text) => YAML.parse(text) };"
          : 'module.exports = (text) => JSON.parse(text);',
      resolveDir: root,
      loader: 'js',
    }));
    // wrap-ansi@6 (@inquirer/core's line wrapping) reads one thing of ansi-styles@4: `codes`, the map
    // from an SGR open code to its close code. ansi-styles@4 builds its 256/16M-colour helpers from
    // color-convert and color-name (~13 kB minified); chalk's vendored ansi-styles@6, which the
    // bundle has anyway, has the same `codes` map without them.
    b.onResolve({ filter: /^ansi-styles$/ }, (args) =>
      /node_modules[\\/]wrap-ansi[\\/]/.test(args.importer)
        ? { path: 'ansi-styles', namespace: 'ansi-styles-codes' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'ansi-styles-codes' }, () => ({
      // By path: chalk's "exports" do not offer its vendored files.
      contents: `import styles from ${JSON.stringify(path.join(root, 'node_modules/chalk/source/vendor/ansi-styles/index.js'))}; export const codes = styles.codes;`,
      resolveDir: root,
      loader: 'js',
    }));
    // string-width@4 (wrap-ansi's) counts each emoji as two columns by replacing matches of
    // emoji-regex@8, a 10 kB literal of the emoji of Unicode 12; Node 20's RegExp has the same set,
    // newer, built in as \p{RGI_Emoji} (with the v flag).
    b.onResolve({ filter: /^emoji-regex$/ }, (args) =>
      /node_modules[\\/]string-width[\\/]/.test(args.importer)
        ? { path: 'emoji-regex', namespace: 'emoji-regex-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'emoji-regex-builtin' }, () => ({
      contents: 'module.exports = () => /\\p{RGI_Emoji}/gv;',
      loader: 'js',
    }));
    // chalk detects colour support once at load (node:tty, node:os, the environment) for its default
    // instances; authctl never uses those: every Chalk it makes gets its level from colorEnabled
    // (src/cli/output.ts), so the detection is only start-up cost. Its stand-in detects nothing.
    b.onResolve({ filter: /^#supports-color$/ }, (args) =>
      /node_modules[\\/]chalk[\\/]/.test(args.importer)
        ? { path: 'supports-color', namespace: 'chalk-no-detection' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'chalk-no-detection' }, () => ({
      contents:
        'export function createSupportsColor() { return false; }\nexport default { stdout: false, stderr: false };',
      loader: 'js',
    }));
    b.onResolve({ filter: /^typescript$/ }, (args) => ({
      path: args.path,
      namespace: 'unsupported-format',
    }));
    b.onLoad({ filter: /.*/, namespace: 'unsupported-format' }, () => ({
      contents: `module.exports = new Proxy({}, { get() { throw new Error(${JSON.stringify(`TypeScript config files are not supported: use authctl.toml or .authctlrc.json`)}); } });`,
      loader: 'js',
    }));
  },
};

/**
 * dist/THIRD-PARTY-LICENSES.txt: the bundle contains other packages' code, and their licences (MIT, ISC,
 * BSD) ask for their notices to ship with it; listed from what esbuild actually put in.
 */
export function thirdPartyNotices(results, file) {
  const dirs = new Set();
  for (const result of results) {
    for (const input of Object.keys(result.metafile.inputs)) {
      const match = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(
        input.replace(/^[a-z-]+:/, ''),
      );
      if (match) dirs.add(path.resolve(root, match[1]));
    }
  }
  const sections = [...dirs].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
    const text = licenseFile
      ? readFileSync(path.join(dir, licenseFile), 'utf8').trim()
      : `License: ${manifest.license} (no licence file in the package)`;
    return `${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}`;
  });
  const contents = `authctl's bundle (dist/) includes code from these packages:\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`;
  return { path: file, contents: Buffer.from(contents) };
}

/**
 * dist-meta/bundles.json (not shipped): for every file written to dist/, the sources and packages esbuild
 * put in it, so test/package/loaded-modules.test.ts can tell which code a command loaded from the files
 * it loaded (chunk names are hashes). `{ "cli/main.cjs": { bytes, sources: ["src/cli/main.ts", ...],
 * packages: ["commander", ...] } }`, sources and packages sorted, only those with bytes in the output.
 */
export function bundleMap(results, outdir) {
  const map = {};
  for (const result of results) {
    for (const [out, meta] of Object.entries(result.metafile.outputs)) {
      if (!/\.c?js$/.test(out)) continue;
      const sources = new Set();
      const packages = new Set();
      for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
        if (bytesInOutput === 0) continue;
        const file = input.replace(/^[a-z-]+:/, '');
        const pkgMatch = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
        if (pkgMatch) packages.add(pkgMatch[1].replace(/\\/g, '/'));
        else if (file.startsWith('src/')) sources.add(file);
      }
      const key = path.relative(outdir, path.resolve(root, out)).replace(/\\/g, '/');
      map[key] = {
        bytes: meta.bytes,
        sources: [...sources].sort(),
        packages: [...packages].sort(),
      };
    }
  }
  return map;
}
