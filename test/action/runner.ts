// What the GitHub runner does with action.yml for a node20 action: every input, given or defaulted,
// becomes INPUT_<NAME>; runs.main and runs.post are the scripts it starts with node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

const ACTION = readFileSync(path.join(ROOT, 'action.yml'), 'utf8');

/** `runs.main` / `runs.post`, as absolute paths. */
export const actionEntry = (name: 'main' | 'post') =>
  path.join(ROOT, new RegExp(`^  ${name}: (.+)$`, 'm').exec(ACTION)![1]!.trim());

/** The inputs' defaults from action.yml (this file's shape: `  name:` then `    default: value`). */
function defaults(): Record<string, string> {
  const inputs = /^inputs:\n((?: {2,}.*\n)+)/m.exec(ACTION)![1]!;
  const result: Record<string, string> = {};
  let name = '';
  for (const line of inputs.split('\n')) {
    const input = /^ {2}([\w-]+):$/.exec(line);
    if (input) name = input[1]!;
    const value = /^ {4}default: (.*)$/.exec(line);
    if (value && name) result[name] = value[1]!.replace(/^'(.*)'$/, '$1');
  }
  return result;
}

/** INPUT_* for one `uses:` of the action: `with:` over the defaults. */
export function actionInputs(given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...defaults(), ...given }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
}
