// The base utilities of src/core (errors.ts, mask.ts, suggest.ts, terminal.ts...) go into one cold
// chunk, not one each. esbuild gives every set of entries sharing a module its own chunk, so these
// small modules, imported in different subsets by the command groups and the library, were six or
// seven files on every cold command (`apikey verify` loaded eleven), and Node's ESM loader pays
// for each file (issue #17).
//
// Each base module imports the others for their (absent) side effects: an entry that reaches one
// reaches all, and esbuild puts them in one chunk (about 11 kB, loaded whole by every cold command).
// The list is by hand (what automatic "leaf" rules find includes the token defects); a module
// missing from it costs a file, which test/package/loaded-modules.test.ts notices.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './build-shared.mjs';

export const BASE_MODULES = [
  'src/core/compare.ts',
  'src/core/config/position.ts',
  'src/core/duration.ts',
  'src/core/error-kinds.ts',
  'src/core/errors.ts',
  'src/core/mask.ts',
  'src/core/node.ts',
  'src/core/snippet.ts',
  'src/core/suggest.ts',
  'src/core/terminal.ts',
  'src/core/verify/locate/lines.ts',
];

/** Cold build plugin: each base module also imports every other one. */
export function oneBaseChunk(modules = BASE_MODULES) {
  const files = new Set(modules.map((module) => path.join(root, module)));
  return {
    name: 'one-base-chunk',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]core[\\/].*\.ts$/ }, (args) => {
        if (!files.has(args.path)) return undefined;
        const others = [...files]
          .filter((file) => file !== args.path)
          .map((file) => `import ${JSON.stringify(file)};`);
        return {
          contents: `${readFileSync(args.path, 'utf8')}\n${others.join('\n')}\n`,
          loader: 'ts',
        };
      });
    },
  };
}
