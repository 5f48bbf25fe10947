import type { Command } from 'commander';
import type { FieldNamer } from '../core/errors.js';

/**
 * Core errors name the inputs they are about as fields (`{{grace}}`); on the command line a field is
 * the flag of the command that ran. Most fields are an option's own name (`secretEnv` is
 * `--secret-env`), so the command's options say it; a command whose core field has another flag
 * declares the difference with `fieldFlags`.
 */

const DECLARED = new WeakMap<Command, Readonly<Record<string, string>>>();

/** Declares which flag of `command` stands for a core field, where the names differ. */
export function fieldFlags(command: Command, flags: Readonly<Record<string, string>>): Command {
  DECLARED.set(command, { ...DECLARED.get(command), ...flags });
  return command;
}

const asFlag = (field: string) => `--${field.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;

function flagOf(command: Command, field: string): string | undefined {
  const declared = DECLARED.get(command)?.[field];
  if (declared) return declared;
  return command.options.find((option) => option.long && option.attributeName() === field)?.long;
}

/**
 * Names fields as flags of `command` (then of its parents: the global flags); a field no command
 * declares is written the way its flag would be (`expiresIn` as `--expires-in`).
 */
export function flagNamer(
  command: Command | undefined,
  flags: Readonly<Record<string, string>> = {},
): FieldNamer {
  return (field) => {
    if (flags[field]) return flags[field];
    for (let at = command; at; at = at.parent ?? undefined) {
      const flag = flagOf(at, field);
      if (flag) return flag;
    }
    return asFlag(field);
  };
}
