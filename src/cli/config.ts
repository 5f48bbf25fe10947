import { Option, type Command } from 'commander';
import { declare, declareAll, verb } from './command.js';
import type { CliContext } from './context.js';
import { init } from './init.js';
import { examples, jsonText } from './output.js';
import { VERIFY_EXIT_HELP, verifyConfigVerb } from './verify-config.js';

/** `authctl config schema`: the JSON Schema of the config (or of profile files). */
export const schema = verb({
  name: 'schema',
  summary: 'print the JSON Schema of authctl.toml / .authctlrc.json (for editors and CI)',
  options: [
    new Option(
      '--profile',
      'the JSON Schema of verify-config profile files (*.profile.toml / .json / .yaml) instead',
    ),
  ],
  examples: [
    'authctl config schema > authctl.schema.json',
    'authctl config schema | jq .properties.token',
    'authctl config schema --profile > profile.schema.json',
  ],
  parse: ({ flags }: { flags: { profile?: boolean } }) => ({ profile: flags.profile === true }),
  async run(opts) {
    const { configJsonSchema } = await import('../core/verify/schema.js');
    const { profileJsonSchema } = await import('../core/verify/engine/schema.js');
    return { value: opts.profile ? profileJsonSchema() : configJsonSchema() };
  },
  // A schema is JSON whatever the format.
  render: { text: (value) => jsonText(value) },
});

/** `authctl verify-config`, `authctl init` and `authctl config schema`. */
export function register(program: Command, ctx: CliContext): void {
  declare(program, verifyConfigVerb, ctx).addHelpText('after', VERIFY_EXIT_HELP);
  declare(program, init, ctx);
  const config = program
    .command('config')
    .description("authctl's own config")
    .addHelpText('after', examples(['authctl config schema > authctl.schema.json']));
  declareAll(config, [schema], ctx);
}
