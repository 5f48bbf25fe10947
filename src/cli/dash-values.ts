import type { Command } from 'commander';

/**
 * Joins a value that begins with `-` to the option that takes it: `--kid -v0b…` becomes
 * `--kid=-v0b…`. A kid, a secret or a claim value may begin with `-` (base64url does), and commander
 * parses the root's global flags first, everywhere in argv: it would read `-v0b…` as `-v` (--verbose)
 * plus `-0b…`, and hand the command a value it was never given. Joined, the value reaches the option
 * whole, as commander gives it when the option comes first. A following argument that is itself an
 * option of the program (`--kid --json`) is left alone: that is a missing value, reported as such.
 */
export function joinDashValues(program: Command, args: string[]): string[] {
  const takesValue = new Set<string>();
  const flags = new Set<string>();
  const visit = (command: Command) => {
    for (const option of command.options) {
      for (const flag of [option.long, option.short]) {
        if (!flag) continue;
        flags.add(flag);
        // An optional value ([value]) is taken only when it does not begin with '-': `=` is its way.
        if (option.required) takesValue.add(flag);
      }
    }
    command.commands.forEach(visit);
  };
  visit(program);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    const next = args[i + 1];
    const joins =
      takesValue.has(arg) &&
      next !== undefined &&
      next.startsWith('-') &&
      next !== '--' &&
      !flags.has(next.split('=')[0]!);
    if (!joins) {
      out.push(arg);
      continue;
    }
    out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
    i++;
  }
  return out;
}
