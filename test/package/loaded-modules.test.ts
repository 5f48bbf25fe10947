// What each command loads (issue #17: nothing loads a module it does not use). Each command runs as
// a user runs it (node bin/authctl.cjs, stdio piped) with a preload that records every module Node
// resolves: ESM imports through a module.register() resolve hook, require() through Module._load.
// The dist/ files loaded are mapped to the sources and packages they hold with dist-meta/bundles.json,
// which the build writes (chunk names are hashes). The hot file, compiled with its V8 code cache, is
// recorded by a vm.Script hook. Needs `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

interface Bundle {
  bytes: number;
  sources: string[];
  packages: string[];
}

const DIST = path.join(ROOT, 'dist');
const bundlesFile = path.join(ROOT, 'dist-meta', 'bundles.json');

// Runs in the CLI process: require() calls, and the hook thread's resolutions, one line each.
const RECORDER = `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const file = process.env.AUTHCTL_LOADED_FILE;
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  // A relative request (the launcher's '../dist/cli/entry.cjs') as the file it names.
  let named = request;
  try {
    if (request.startsWith('.')) named = Module._resolveFilename(request, parent);
  } catch {}
  appendFileSync(file, 'require ' + named + '\\n');
  return load.call(this, request, parent, ...rest);
};
Module.register(require('node:url').pathToFileURL(__dirname + '/hooks.mjs'));
// The hot file is compiled by vm.Script when it has a V8 code cache (src/cli/hot-loader.ts).
const vm = require('node:vm');
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(code, options) {
    if (options && options.filename) appendFileSync(file, 'script ' + options.filename + '\\n');
    super(code, options);
  }
};
// process.stdin is made on first use: note when it is.
const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
Object.defineProperty(process, 'stdin', {
  configurable: true,
  enumerable: stdin.enumerable,
  get() {
    appendFileSync(file, 'stdin made\\n');
    return stdin.get.call(process);
  },
});
// So is process.stdout (a net.Socket on a pipe, which loads net and the streams). The module hooks'
// thread makes its own at exit: only the main thread's counts.
const stdout = Object.getOwnPropertyDescriptor(process, 'stdout');
const { isMainThread } = require('node:worker_threads');
Object.defineProperty(process, 'stdout', {
  configurable: true,
  enumerable: stdout.enumerable,
  get() {
    if (isMainThread) appendFileSync(file, 'stdout made\\n');
    return stdout.get.call(process);
  },
});
// Node's own internal modules (fs/promises, readline...) are loaded without a require() to see:
// the main thread's list at exit.
process.on('exit', () => {
  if (!isMainThread) return;
  const native = process.moduleLoadList.filter((m) => m.startsWith('NativeModule '));
  appendFileSync(file, native.map((m) => 'native ' + m.slice(13) + '\\n').join(''));
});
`;
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.AUTHCTL_LOADED_FILE, 'import ' + result.url + '\\n');
  return result;
}
`;

interface Loaded {
  /** dist/ files, relative to dist/ ('cli/main.cjs'), sorted. */
  files: string[];
  /** Packages: those bundled in the files loaded, and those loaded from node_modules. */
  packages: string[];
  /** Packages in each loaded file (to count copies). */
  packagesByFile: Record<string, string[]>;
  sources: string[];
  builtins: string[];
  /** Node's internal modules the main thread loaded ('internal/fs/promises'), sorted. */
  native: string[];
  /** Whether the command made process.stdin (a stream over fd 0). */
  stdinMade: boolean;
  /** Whether the command made process.stdout (a stream over fd 1). */
  stdoutMade: boolean;
  code: number | null;
  stdout: string;
}

let dir = '';
let bundles: Record<string, Bundle> = {};

function packageOf(request: string): string | undefined {
  const fromPath = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(request);
  if (fromPath) return fromPath[1]!.replace(/\\/g, '/');
  if (/^[@a-z]/.test(request) && !isBuiltin(request)) return /^(@[^/]+\/)?[^/]+/.exec(request)![0];
  return undefined;
}

function loadedBy(
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Loaded {
  const record = path.join(dir, 'loaded.txt');
  rmSync(record, { force: true });
  const result = spawnSync(
    process.execPath,
    ['--require', path.join(dir, 'recorder.cjs'), BIN, ...args],
    {
      cwd: options.cwd ?? dir,
      input: options.input ?? '',
      env: {
        ...process.env,
        AUTHCTL_HOME: path.join(dir, 'home'),
        AUTHCTL_LOADED_FILE: record,
        AUTHCTL_CONFIG_FILE: undefined,
        AUTHCTL_CONFIG_INLINE: undefined,
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: 'pipe',
    },
  );
  const all = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  const native = all.filter((line) => line.startsWith('native ')).map((line) => line.slice(7));
  const lines = all.filter(
    (line) => line !== 'stdin made' && line !== 'stdout made' && !line.startsWith('native '),
  );
  const requests = lines.map((line) => line.slice(line.indexOf(' ') + 1));
  const files = new Set<string>();
  const packages = new Set<string>();
  const builtins = new Set<string>();
  for (const request of requests) {
    const file = request.startsWith('file:') ? fileURLToPath(request) : request;
    if (file.startsWith(DIST + path.sep)) files.add(path.relative(DIST, file).replace(/\\/g, '/'));
    else if (isBuiltin(request)) builtins.add(request.replace(/^node:/, ''));
    else if (packageOf(file)) packages.add(packageOf(file)!);
  }
  const packagesByFile: Record<string, string[]> = {};
  const sources = new Set<string>();
  for (const file of files) {
    const bundle = bundles[file];
    if (!bundle) throw new Error(`${file} is not in dist-meta/bundles.json: rebuild`);
    packagesByFile[file] = bundle.packages;
    bundle.packages.forEach((name) => packages.add(name));
    bundle.sources.forEach((source) => sources.add(source));
  }
  return {
    files: [...files].sort(),
    packages: [...packages].sort(),
    packagesByFile,
    sources: [...sources].sort(),
    builtins: [...builtins].sort(),
    native: native.sort(),
    stdinMade: all.includes('stdin made'),
    stdoutMade: all.includes('stdout made'),
    code: result.status,
    stdout: result.stdout.toString(),
  };
}

const copiesOf = (loaded: Loaded, name: string) =>
  Object.values(loaded.packagesByFile).filter((names) => names.includes(name)).length;
/**
 * src/cli sources that more than one loaded file holds (the hot file shares its own), but entry.cjs:
 * it answers --version before anything else loads, so it keeps its own version.ts.
 */
const cliCopies = (loaded: Loaded, prefix = 'src/cli/') => {
  const files = loaded.files.filter((file) => file !== 'cli/entry.cjs');
  return loaded.sources.filter(
    (source) =>
      source.startsWith(prefix) &&
      files.filter((file) => bundles[file]!.sources.includes(source)).length > 1,
  );
};
const under = (loaded: Loaded, prefix: string) =>
  loaded.sources.filter((s) => s.startsWith(prefix));

beforeAll(() => {
  if (!existsSync(bundlesFile))
    throw new Error('dist-meta/bundles.json is missing: run node scripts/build.mjs');
  bundles = JSON.parse(readFileSync(bundlesFile, 'utf8'));
  dir = tempDir('authctl-loaded-');
  writeFileSync(path.join(dir, 'recorder.cjs'), RECORDER);
  writeFileSync(path.join(dir, 'hooks.mjs'), HOOKS);
  // The keystore exists, as it does after the first run (generating keys is not start-up).
  expect(loadedBy(['token', 'mint', '--sub', 'alice']).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGN = [
  'sigv4',
  'sign',
  'https://examplebucket.s3.amazonaws.com/a.txt',
  '--region',
  'us-east-1',
];
const SIGN_FLAGS = [
  '--service',
  's3',
  '--access-key',
  'AKIDEXAMPLE',
  '--secret-key',
  'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
];

describe('what each command loads', () => {
  it('no cold file imports the CommonJS hot file (Node would lex its 130 kB for export names): they read its exports from globalThis', () => {
    const cold = path.join(DIST, 'cold');
    const importers = readdirSync(cold).filter((file) =>
      readFileSync(path.join(cold, file), 'utf8').includes('cli/main.cjs'),
    );
    expect(importers).toEqual([]);
  });

  it('--version loads the entry file alone: no commander, no package, no stdout stream', () => {
    const loaded = loadedBy(['--version']);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(loaded.files).toEqual(['cli/entry.cjs']);
    expect(loaded.packages).toEqual([]);
    // Written to fd 1 itself: process.stdout on a pipe would build a net.Socket.
    expect(loaded.stdoutMade).toBe(false);
  });

  it('token mint loads the entry and the hot file only: no zod, jose, smol-toml or cosmiconfig', () => {
    const loaded = loadedBy(['token', 'mint', '--sub', 'alice']);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/^eyJ/);
    expect(loaded.files).toEqual(['cli/entry.cjs', 'cli/main.cjs']);
    expect(loaded.packages).toEqual(['commander']);
    expect(loaded.builtins).toContain('crypto');
  });

  it('token decode loads what mint loads, without node:crypto (it verifies nothing)', () => {
    const token = loadedBy(['token', 'mint', '--sub', 'alice']).stdout.trim();
    const loaded = loadedBy(['token', 'decode', token]);
    expect(loaded.code).toBe(0);
    expect(loaded.files).toEqual(['cli/entry.cjs', 'cli/main.cjs']);
    expect(loaded.packages).toEqual(['commander']);
    expect(loaded.builtins).not.toContain('crypto');
  });

  it('keys list, sigv4 sign: one copy of commander and each CLI module, no chalk, zod or jose, no other command group', () => {
    for (const [args, own] of [
      [['keys', 'list'], 'src/cli/keys.ts'],
      [[...SIGN, ...SIGN_FLAGS], 'src/cli/sigv4.ts'],
    ] as const) {
      const loaded = loadedBy([...args]);
      expect(loaded.code, args.join(' ')).toBe(0);
      expect(loaded.packages, args.join(' ')).toEqual(['commander']);
      expect(copiesOf(loaded, 'commander'), args.join(' ')).toBe(1);
      expect(cliCopies(loaded), args.join(' ')).toEqual([]);
      expect(loaded.sources).toContain(own);
      // The built-in verify-config profiles (48 kB) were once a chunk every cold file imported
      // (esbuild's object-valued `define`): no file loaded holds them.
      const profiles = loaded.files.filter((file) =>
        readFileSync(path.join(DIST, file), 'utf8').includes('.profile.toml'),
      );
      expect(profiles, args.join(' ')).toEqual([]);
      for (const other of [
        'src/core/idp/',
        'src/core/probe/',
        'src/core/apikey/',
        'src/core/report/',
        'src/core/verify/engine/', // the verify core (a general module's copy of a locator may load)
      ])
        expect(under(loaded, other), `${args.join(' ')} loads ${other}`).toEqual([]);
      expect(loaded.files, args.join(' ')).not.toContain('cold/verify-core.cjs');
    }
  });

  it('chalk loads only for a stream that gets colour (FORCE_COLOR, a terminal), one copy', () => {
    const plain = loadedBy(['token', 'mint', '--sub', 'alice']);
    expect(plain.packages).not.toContain('chalk');
    const colored = loadedBy([...SIGN, ...SIGN_FLAGS, '--verbose'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(colored.code).toBe(0);
    expect(colored.packages).toEqual(['chalk', 'commander']);
    // One copy: its cold entry and the chunk of ansi-styles it shares with @inquirer/prompts.
    const holding = Object.keys(colored.packagesByFile).filter((file) =>
      colored.packagesByFile[file]!.includes('chalk'),
    );
    expect(holding).toContain('cold/pkg-chalk.cjs');
    expect(holding).not.toContain('cli/main.cjs');
    expect(holding.length).toBeLessThanOrEqual(2);
  });

  it('keys list loads one cold file (core modules come from the hot file) and no node:crypto', () => {
    const loaded = loadedBy(['keys', 'list']);
    expect(loaded.code).toBe(0);
    expect(cliCopies(loaded, 'src/core/')).toEqual([]);
    // cli-keys.cjs, and at most esbuild's helpers (files with no source).
    const cold = loaded.files.filter((file) => file.startsWith('cold/'));
    expect(cold.filter((file) => bundles[file]!.sources.length > 0)).toEqual(['cold/cli-keys.cjs']);
    // Sourceless: esbuild's bundling helpers (a chunk) and its CommonJS interop helpers.
    expect(cold.length).toBeLessThanOrEqual(3);
    // `keys export --pem` converts keys; listing them does not.
    expect(loaded.builtins).not.toContain('crypto');
  });

  it('apikey verify loads no zod (records are validated when written) and no jose', () => {
    const store = path.join(dir, 'apikeys.json');
    const created = loadedBy(['apikey', 'create', '--name', 'ci', '--store', store, '--json']);
    expect(created.code).toBe(0);
    const loaded = loadedBy(['apikey', 'verify', '--store', store], {
      input: JSON.parse(created.stdout).key,
    });
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/^valid: key /);
    expect(loaded.sources).toContain('src/core/apikey/lookup.ts');
    // A reader: no lock, no atomic write (the hot file's own copies are for the keystore).
    const cold = loaded.files.filter((file) => file.startsWith('cold/'));
    const coldSources = cold.flatMap((file) => bundles[file]!.sources);
    expect(coldSources).not.toContain('src/core/fs/lock.ts');
    expect(coldSources).not.toContain('src/core/fs/atomic.ts');
    expect(loaded.packages).toEqual(['commander']);
    // The key checksum is computed in JavaScript (core/apikey/crc32.ts), not by node:zlib.
    expect(loaded.builtins).not.toContain('zlib');
    // The store is read with readFileSync (core/node.ts readFileBytes): fs.promises loads seven more
    // of Node's modules, fs.readFile's callback (its read context) starts the thread pool.
    expect(loaded.native).not.toContain('internal/fs/read/context');
    expect(loaded.native).not.toContain('internal/fs/promises');
    // The piped key is read from fd 0 with fs.read, not through the process.stdin stream (cli/stdin.ts).
    expect(loaded.stdinMade).toBe(false);
    expect(copiesOf(loaded, 'commander')).toBe(1);
    expect(cliCopies(loaded)).toEqual([]);
    for (const other of ['src/core/idp/', 'src/core/probe/', 'src/core/sigv4/', 'src/core/report/'])
      expect(under(loaded, other), other).toEqual([]);
    expect(loaded.files).not.toContain('cold/verify-core.cjs');
  });

  it('smol-toml loads only when a TOML config exists, and zod only when the config is wrong (or needs a check only zod has)', () => {
    expect(loadedBy(['token', 'mint', '--sub', 'alice']).packages).not.toContain('smol-toml');
    const project = tempDir('authctl-loaded-toml-');
    writeFileSync(path.join(project, 'authctl.toml'), '[token]\naudience = "api://orders"\n');
    const loaded = loadedBy(['token', 'mint', '--sub', 'alice'], { cwd: project });
    // A section it does not have, misspelt: the whole schema then, for the did-you-mean.
    writeFileSync(path.join(project, 'authctl.toml'), '[tokenz]\naudience = "api://orders"\n');
    const misspelt = loadedBy(['token', 'mint', '--sub', 'alice'], { cwd: project });
    rmSync(project, { recursive: true, force: true });
    expect(loaded.code).toBe(0);
    expect(loaded.packages).toContain('smol-toml');
    // Checked without zod (core/config/quick.ts): loading it and building the sections' schemas
    // took longer than the rest of the command (issue #17).
    expect(loaded.packages).not.toContain('zod');
    expect(loaded.sources).toContain('src/core/config/quick.ts');
    for (const section of ['token', 'probe', 'idp', 'apikey', 'sigv4', 'verify', 'keys'])
      expect(loaded.sources).not.toContain(`src/core/${section}/config.ts`);
    // zod words the error, with the whole schema for the did-you-mean.
    expect(misspelt.code).toBe(2);
    expect(misspelt.packages).toContain('zod');
    expect(misspelt.sources).toContain('src/core/config/schema.ts');
  });

  it('a Node project that depends on authctl loads no cosmiconfig; one with package.json#authctl does', () => {
    const project = tempDir('authctl-loaded-pkg-');
    const manifest = (extra: object) =>
      writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'svc', devDependencies: { authctl: '^0.1.0' }, ...extra }),
      );
    manifest({});
    const dependent = loadedBy(['token', 'mint', '--sub', 'alice'], { cwd: project });
    manifest({ authctl: { token: { audience: 'api://orders' } } });
    const configured = loadedBy(['token', 'mint', '--sub', 'alice'], { cwd: project });
    rmSync(project, { recursive: true, force: true });
    expect(dependent.code).toBe(0);
    expect(dependent.packages).not.toContain('cosmiconfig');
    expect(configured.code).toBe(0);
    expect(configured.packages).toContain('cosmiconfig');
    expect(
      JSON.parse(Buffer.from(configured.stdout.split('.')[1]!, 'base64url').toString()).aud,
    ).toBe('api://orders');
  });

  it('nothing loads node:tty when stdout and stderr are pipes (chalk detects no colour itself)', () => {
    for (const args of [
      ['token', 'mint', '--sub', 'alice'],
      ['keys', 'list'],
      [...SIGN, ...SIGN_FLAGS],
    ])
      expect(loadedBy(args).builtins, args.join(' ')).not.toContain('tty');
  });

  it('verify-config on a .env loads one commander, no jose and no node:tty', () => {
    writeFileSync(
      path.join(dir, 'relay.env'),
      'JWT_AUDIENCE=api://relay\nJWT_ISSUER=https://id.example\n',
    );
    const loaded = loadedBy(['verify-config', 'relay.env', '--profile', 'relay']);
    expect([0, 1]).toContain(loaded.code);
    expect(loaded.sources).toContain('src/cli/verify-config.ts');
    expect(copiesOf(loaded, 'commander')).toBe(1);
    expect(loaded.packages).not.toContain('jose');
    expect(loaded.builtins).not.toContain('tty');
    expect(loaded.native).not.toContain('internal/fs/read/context');
    expect(loaded.native).not.toContain('internal/fs/promises');
    // Issue #17: the built-in profile is embedded parsed, the input is a .env, the output text.
    expect(loaded.packages).toEqual(['commander']);
    for (const source of [
      'src/core/verify/engine/load.ts', // the profile-file parser
      'src/core/config/schema.ts', // zod's config schema (the authctl profile's validator)
      'src/core/report/registry.ts',
      'src/core/report/sarif.ts',
      'src/core/report/html.ts',
      'src/core/report/junit.ts',
      'src/core/report/markdown.ts',
    ])
      expect(loaded.sources).not.toContain(source);
    expect(loaded.sources).toContain('src/core/report/text.ts');
    // The command group built as one file, the verify core as another (scripts/build-warm.mjs):
    // the split build made 34 files of it, and the ESM loader pays for each.
    expect(loaded.files).toEqual([
      'cli/entry.cjs',
      'cli/main.cjs',
      'cold/cli-config.cjs',
      'cold/verify-core.cjs',
    ]);
  });

  it('verify-config loads yaml for a YAML input, zod for authctl.toml, the registry for --format sarif', () => {
    const project = tempDir('authctl-loaded-verify-');
    writeFileSync(
      path.join(project, 'envoy.yaml'),
      'providers:\n  main:\n    issuer: https://id.example\n',
    );
    const yaml = loadedBy(['verify-config', 'envoy.yaml', '--profile', 'envoy-jwt-authn'], {
      cwd: project,
    });
    // (Only now: an authctl.toml in the directory is authctl's own config, validated with zod.)
    writeFileSync(path.join(project, 'authctl.toml'), '[token]\naudience = "api://orders"\n');
    const toml = loadedBy(['verify-config', 'authctl.toml', '--format', 'sarif'], { cwd: project });
    rmSync(project, { recursive: true, force: true });
    expect([0, 1], yaml.stdout).toContain(yaml.code);
    expect(yaml.packages).toContain('yaml');
    expect(yaml.packages).not.toContain('zod');
    expect([0, 1], toml.stdout).toContain(toml.code);
    expect(JSON.parse(toml.stdout).version).toBe('2.1.0');
    expect(toml.packages).toEqual(expect.arrayContaining(['smol-toml', 'zod']));
    expect(toml.sources).toEqual(
      expect.arrayContaining(['src/core/config/schema.ts', 'src/core/report/sarif.ts']),
    );
  });

  it('probe loads no jose once its attacker key is stored, no zod for a valid spec, nor what `probe init` drafts with, nor SigV4 or API-key code for bearer credentials, nor smol-toml, https or child_process for a JSON spec of an http:// service (issue #17)', () => {
    const project = tempDir('authctl-loaded-probe-');
    const spec = {
      base_url: 'http://127.0.0.1:9',
      jwt: { issuer: 'https://id.example', audience: 'api://orders' },
      credentials: { reader: { type: 'jwt', sub: 'alice' } },
      endpoints: [{ path: '/v1/orders', allow: ['reader'] }],
    };
    writeFileSync(path.join(project, 'probe.json'), JSON.stringify(spec));
    // The first run generates the attacker key (with jose) and stores it beside the keystore.
    const first = loadedBy(['probe', '--dry-run'], { cwd: project });
    const loaded = loadedBy(['probe', '--dry-run'], { cwd: project });
    // A spec with a mistake is zod's to word: it is loaded then (exit 2, usage error).
    writeFileSync(
      path.join(project, 'probe.json'),
      JSON.stringify({ ...spec, endpoints: [{ path: 'v1', allow: ['reader'] }] }),
    );
    const wrong = loadedBy(['probe', '--dry-run', '--json'], { cwd: project });
    rmSync(project, { recursive: true, force: true });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain('endpoints[0].path: must start with /');
    expect(wrong.packages).toContain('zod');
    expect(first.code, first.stdout).toBe(0);
    expect(loaded.code, loaded.stdout).toBe(0);
    expect(loaded.stdout).toContain('/v1/orders');
    expect(loaded.sources).toContain('src/core/probe/attacker.ts');
    expect(loaded.packages).not.toContain('jose');
    // A valid spec is checked without zod (core/probe/spec.ts): building its schemas was ~8 ms.
    expect(loaded.packages).not.toContain('zod');
    expect(loaded.sources).not.toContain('src/core/probe/config.ts');
    // Its stored attacker key is a node:crypto key: WebCrypto is never loaded.
    expect(first.native).toContain('internal/crypto/webcrypto');
    expect(loaded.native).not.toContain('internal/crypto/webcrypto');
    // Nor fs.promises (and the readline modules it brings): the spec and the key are read with callbacks.
    expect(loaded.native).not.toContain('internal/fs/promises');
    // A JSON spec needs no TOML parser; an http:// service no TLS stack; no command is run.
    expect(loaded.packages).not.toContain('smol-toml');
    expect(loaded.builtins).not.toContain('https');
    expect(loaded.builtins).not.toContain('child_process');
    // Nor the verify core's file (150 kB): the probe's side has its own copies of the report
    // modules and locators (scripts/build-warm.mjs PROBE_COPIES).
    expect(loaded.files).not.toContain('cold/verify-core.cjs');
    // The probe core is one file (scripts/build-probe-core.mjs), not the 30-odd chunks the entries
    // sharing it cut it into: Node pays for each file loaded.
    expect(loaded.files).toContain('cold/probe-core.cjs');
    // 12 on a dry run when this was written (38 before): the entry, the hot file, the probe's two
    // command files, the probe core, the base chunk, the report modules' chunks, the interop helpers.
    expect(loaded.files.length).toBeLessThanOrEqual(14);
    // Nor the SigV4 signer and API-key code: this spec has bearer credentials only.
    for (const source of [
      'src/cli/probe-init-run.ts',
      'src/core/probe/openapi.ts',
      'src/core/sigv4/canonical.ts',
      'src/core/apikey/format.ts',
    ])
      expect(loaded.sources).not.toContain(source);
  });
});

it('the base core utilities (errors, mask, suggest...) are one cold file for apikey verify and sigv4 sign', () => {
  const store = path.join(dir, 'base-apikeys.json');
  const created = loadedBy(['apikey', 'create', '--name', 'ci', '--store', store, '--json']);
  const runs = [
    loadedBy(['apikey', 'verify', '--store', store], { input: JSON.parse(created.stdout).key }),
    loadedBy([...SIGN, ...SIGN_FLAGS]),
  ];
  for (const loaded of runs) {
    expect(loaded.code).toBe(0);
    const cold = loaded.files.filter((file) => file.startsWith('cold/'));
    const holding = (source: string) =>
      cold.filter((file) => bundles[file]!.sources.includes(source));
    for (const source of ['src/core/errors.ts', 'src/core/mask.ts', 'src/core/terminal.ts'])
      expect(holding(source), source).toEqual(holding('src/core/error-kinds.ts'));
    // Was 11 files for apikey verify, 9 for sigv4 sign (scripts/build-base-chunk.mjs); the interop
    // helpers' file holds no source.
    expect(cold.filter((file) => bundles[file]!.sources.length > 0).length).toBeLessThanOrEqual(5);
    // All CommonJS, loaded with the code cache: no ES module, so Node's ESM loader never starts.
    expect(cold.filter((file) => !file.endsWith('.cjs'))).toEqual([]);
  }
});

// The recorder itself: a file it loads is seen (the test could not pass by seeing nothing).
it('the recorder sees the files a command loads', () => {
  const loaded = loadedBy(['keys', 'list']);
  expect(loaded.files).toEqual(expect.arrayContaining(['cli/entry.cjs', 'cli/main.cjs']));
  expect(loaded.files.some((file) => file.startsWith('cold/'))).toBe(true);
});
