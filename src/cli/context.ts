import path from 'node:path';
import type { LoadedConfig } from '../core/config/load.js';
import { systemNow, systemRandom, type Deps } from '../core/deps.js';
import { Output } from './output.js';
import type { CliIO, GlobalOptions } from './types.js';

export type { CliIO, GlobalOptions } from './types.js';

/** Deps a caller of `run()` may replace (in-process tests: a fixed clock, a fake fetch). */
export type DepsOverrides = Partial<Pick<Deps, 'now' | 'fetch' | 'random'>>;

/**
 * What every command gets: global options, I/O, environment and lazily loaded config. It is the one
 * Deps object of the run (core's `now`, `env`, `cwd`, `fetch`, `random`), filled here, at the CLI
 * edge, and passed down.
 */
export class CliContext implements Deps {
  readonly out: Output;
  readonly now: () => Date;
  readonly fetch: typeof fetch;
  readonly random: (size: number) => Uint8Array;
  private configPromise?: Promise<LoadedConfig>;

  constructor(
    readonly globals: GlobalOptions,
    readonly io: CliIO,
    readonly env: NodeJS.ProcessEnv,
    readonly cwd: string,
    overrides: DepsOverrides = {},
  ) {
    this.out = new Output(globals, io, env);
    this.now = overrides.now ?? systemNow;
    // Late-bound: a test that replaces globalThis.fetch after start-up still sees its own.
    this.fetch = overrides.fetch ?? ((input, init) => fetch(input, init));
    this.random = overrides.random ?? systemRandom;
  }

  /** The discovered (or `--config`, AUTHCTL_CONFIG_INLINE, AUTHCTL_CONFIG_FILE) config, loaded once. */
  config(): Promise<LoadedConfig> {
    this.configPromise ??= import('../core/config/load.js').then(({ loadConfig }) =>
      loadConfig({ configFile: this.globals.config, cwd: this.cwd, env: this.env }),
    );
    return this.configPromise;
  }

  /** The keystore dir: --home, else $AUTHCTL_HOME, else config `home`, else .authctl/ beside the config file (or cwd). */
  async home(): Promise<string> {
    if (this.globals.home) return path.resolve(this.cwd, this.globals.home);
    if (this.env.AUTHCTL_HOME) return path.resolve(this.cwd, this.env.AUTHCTL_HOME);
    const { config, filepath } = await this.config();
    const base = filepath ? path.dirname(filepath) : this.cwd;
    if (config.home) return path.resolve(base, config.home);
    return path.join(base, '.authctl');
  }
}
