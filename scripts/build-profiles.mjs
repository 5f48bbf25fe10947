// The built-in verify-config profiles, parsed and validated at build time: dist/ and the binary embed
// the definitions (src/core/verify/engine/builtins-embedded.ts) instead of parsing
// templates/profiles/*.profile.* on every run, which loaded smol-toml or yaml and zod for a .env.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './build-shared.mjs';

/**
 * File name → JSON of its definition, in file-name order, parsed by the source's own parseProfile
 * (bundled for this process), so an invalid profile fails the build with its file:line:col.
 */
export async function builtinProfileDefinitions() {
  const bundled = await build({
    stdin: {
      contents: "export { parseProfile } from './src/core/verify/engine/load.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  // Beside the sources (dist-meta/ is never shipped), so its run-time require() finds node_modules.
  const dir = path.join(root, 'dist-meta');
  mkdirSync(dir, { recursive: true });
  const parser = path.join(dir, `profile-parser.${process.pid}.mjs`);
  writeFileSync(parser, bundled.outputFiles[0].contents);
  try {
    const { parseProfile } = await import(pathToFileURL(parser).href);
    const profiles = path.join(root, 'templates', 'profiles');
    const files = readdirSync(profiles)
      .filter((f) => /\.profile\.(toml|json|ya?ml)$/i.test(f))
      .sort();
    return Object.fromEntries(
      files.map((f) => {
        const text = readFileSync(path.join(profiles, f), 'utf8');
        return [f, JSON.stringify(parseProfile(path.join('templates', 'profiles', f), text))];
      }),
    );
  } finally {
    rmSync(parser, { force: true });
  }
}

/**
 * builtins.ts → builtins-embedded.ts, with the definitions it reads declared at its top. Not through
 * esbuild's `define`: an object-valued define becomes an injected module that every output file
 * imports and initialises, so with code splitting each cold command (`keys list`, `sigv4 sign`...)
 * loaded the 48 kB chunk holding all the profiles (issue #17).
 */
export function builtinProfilesPlugin(definitions) {
  const embedded = path.join(root, 'src', 'core', 'verify', 'engine', 'builtins-embedded.ts');
  return {
    name: 'builtin-profiles',
    setup(b) {
      b.onResolve({ filter: /^\.\/builtins\.js$/ }, (args) =>
        /[\\/]src[\\/]core[\\/]verify[\\/]engine$/.test(args.resolveDir)
          ? { path: embedded }
          : undefined,
      );
      // esbuild drops the source's `declare const`, so this const is the one declaration.
      b.onLoad({ filter: /[\\/]builtins-embedded\.ts$/ }, (args) => ({
        contents: `const __AUTHCTL_BUILTIN_DEFINITIONS__ = ${JSON.stringify(definitions)};\n${readFileSync(args.path, 'utf8')}`,
        loader: 'ts',
      }));
    },
  };
}
