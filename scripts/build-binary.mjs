// `npm run build:binary`: authctl as one executable file with Node inside (a Node single executable
// application, https://nodejs.org/api/single-executable-applications.html), for machines and CI
// images without Node.
//
// 1. esbuild bundles the whole CLI into one CommonJS file (SEA runs one CommonJS script; every
//    dynamic import of a cold module is inlined, jose included).
// 2. `node --experimental-sea-config` turns it into a preparation blob.
// 3. postject injects the blob into a copy of this Node binary.
//
// Output: dist-binary/authctl-<platform>-<arch> (+ .exe on Windows) and a .sha256 beside it.
// Options: --no-code-cache (default: the V8 code cache is on only if bench/binary.mjs showed it
// starts faster; see CODE_CACHE below), --out DIR.
// The same script builds linux-arm64, macOS and Windows binaries when run on those platforms
// (docs/release.md); macOS binaries are re-signed with an ad-hoc signature after injection.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import {
  lazyChildProcessForCommander,
  pkg,
  root,
  thirdPartyNotices,
  trimPackages,
} from './build-shared.mjs';
import { builtinProfileDefinitions, builtinProfilesPlugin } from './build-profiles.mjs';

/**
 * The V8 code cache (compiled bytecode in the blob) is on because it starts faster: bench/binary.mjs
 * on linux-x64, 21 pairs, a loaded 2-core machine: token mint 0.91x of `node bin/authctl.cjs` with it,
 * 1.27x without; --version 1.02x with, 1.25x without (docs/release.md). It ties the blob to this Node
 * version, which is the Node inside the binary anyway.
 */
const CODE_CACHE = true;

const args = process.argv.slice(2);
const useCodeCache = CODE_CACHE && !args.includes('--no-code-cache');
const outIndex = args.indexOf('--out');
const outDir = path.resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist-binary');
const work = path.join(outDir, '.work');
const name = `authctl-${process.platform}-${process.arch}${process.platform === 'win32' ? '.exe' : ''}`;
const output = path.join(outDir, name);
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// The entry: `--version` without loading the rest (like src/cli/entry.ts, whose top-level await a
// CommonJS bundle cannot have).
// A probe run tunes V8's tier-up first, as dist/cli/entry.cjs does (src/cli/tier-up.ts): the
// blob's code cache is consumed before this runs, and the built-ins a probe needs load before it.
const entry = `import { authctlVersion } from './src/cli/version.ts';
import { commandOf } from './src/cli/hot-loader.ts';
import { tuneTierUp } from './src/cli/tier-up.ts';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(authctlVersion() + '\\n');
else {
  tuneTierUp(commandOf(args));
  import('./src/cli/main.ts').then((m) => m.main(process.argv));
}
`;
const bundle = path.join(work, 'authctl.cjs');
/**
 * src/core/parsers.ts loads yaml and smol-toml with createRequire(), which the binary (no node_modules
 * beside it) cannot: here the same two exports take them from the bundle. yaml through require(), so
 * it is evaluated on first use as in dist/ (its Node build is the CommonJS one the bundle has anyway);
 * smol-toml through the ESM build config/toml.ts bundles too, so the binary holds one copy.
 */
const bundledParsers = {
  name: 'bundled-parsers',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]parsers\.ts$/ }, () => ({
      contents:
        "import * as smolToml from 'smol-toml';\nexport const yaml = () => require('yaml');\nexport const toml = () => smolToml;\n",
      resolveDir: path.join(root, 'src', 'core'),
      loader: 'js',
    }));
  },
};

const result = await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'sea-entry.ts', loader: 'ts' },
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: bundle,
  metafile: true,
  minify: true,
  keepNames: true, // stack traces under --verbose keep their function names
  legalComments: 'none',
  define: {
    __AUTHCTL_VERSION__: JSON.stringify(pkg.version),
    'import.meta.url': '__authctlImportMetaUrl',
    'import.meta.filename': 'process.execPath',
    'import.meta.dirname': '__authctlImportMetaDir',
  },
  // Modules that locate files relative to themselves (templates/, examples/) see the binary's path;
  // createRequire() of it loads Node built-ins, which is all the bundle requires.
  banner: {
    js: "var __authctlImportMetaUrl = require('node:url').pathToFileURL(process.execPath).href, __authctlImportMetaDir = require('node:path').dirname(process.execPath);",
  },
  // The binary has no templates/ beside it: the built-in profiles' definitions go inside it, parsed.
  plugins: [
    lazyChildProcessForCommander,
    trimPackages,
    bundledParsers,
    builtinProfilesPlugin(await builtinProfileDefinitions()),
  ],
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'silent' },
});
const notices = thirdPartyNotices([result], path.join(outDir, `${name}.THIRD-PARTY-LICENSES.txt`));

const config = path.join(work, 'sea-config.json');
const blob = path.join(work, 'authctl.blob');
writeFileSync(
  config,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache,
    useSnapshot: false,
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'pipe' }); // quiet (postject warns about ELF notes); a failure's error carries stderr

const temp = path.join(work, name);
copyFileSync(process.execPath, temp);
chmodSync(temp, 0o755);
if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', temp]);
const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
const postjectArgs = [
  postject,
  temp,
  'NODE_SEA_BLOB',
  blob,
  '--sentinel-fuse',
  FUSE,
  ...(process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
];
execFileSync(process.execPath, postjectArgs, { stdio: 'pipe' }); // quiet (postject warns about ELF notes); a failure's error carries stderr
if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', temp]);

renameSync(temp, output);
writeFileSync(notices.path, notices.contents);
const digest = createHash('sha256').update(readFileSync(output)).digest('hex');
writeFileSync(`${output}.sha256`, `${digest}  ${name}\n`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `${path.relative(root, output)} (${(readFileSync(output).length / 1e6).toFixed(1)} MB, code cache ${useCodeCache ? 'on' : 'off'}) sha256 ${digest}\n`,
);
