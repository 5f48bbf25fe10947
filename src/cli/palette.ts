import type { ChalkInstance } from 'chalk';

/**
 * A palette that never colours, made without chalk: what every run gets on a stream that is not a
 * terminal (CI, a pipe, a file, NO_COLOR). Loading chalk builds all of its styles (~120 kB of young
 * heap, a garbage collection of its own in `token mint`), so output.ts imports it only when a stream
 * does get colour. It answers as `new Chalk({ level: 0 })` does: the text unchanged (several
 * arguments joined by spaces), empty for a chain with `visible`, every style chainable, `level` 0.
 * test/cli/palette.test.ts holds it to chalk's own level-0 output, style by style.
 */

/** chalk 5's style names (its modifierNames, foregroundColorNames, backgroundColorNames). */
const COLORS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
export const STYLE_NAMES: readonly string[] = [
  ...['reset', 'bold', 'dim', 'italic', 'underline', 'overline', 'inverse', 'hidden'],
  'strikethrough',
  ...COLORS,
  ...['blackBright', 'gray', 'grey'],
  ...COLORS.slice(1).map((name) => `${name}Bright`),
  ...COLORS.map((name) => `bg${name[0]!.toUpperCase()}${name.slice(1)}`),
  ...['bgBlackBright', 'bgGray', 'bgGrey'],
  ...COLORS.slice(1).map((name) => `bg${name[0]!.toUpperCase()}${name.slice(1)}Bright`),
];

/** chalk's colour models: each takes a colour and returns a style (`chalk.hex('#f00')('text')`). */
const MODEL_NAMES = ['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256'];

const styles = new Set(STYLE_NAMES);
const models = new Set(MODEL_NAMES);

function style(empty: boolean): ChalkInstance {
  // chalk's applyStyle at level 0: one argument as a string, several joined by a space.
  const apply = (...args: unknown[]) =>
    empty ? '' : args.length === 1 ? `${args[0] as string}` : args.join(' ');
  const self: ChalkInstance = new Proxy(apply, {
    get(target, name) {
      if (name === 'level') return 0;
      if (name === 'visible') return empty ? self : visible;
      if (typeof name === 'string' && styles.has(name)) return self;
      if (typeof name === 'string' && models.has(name)) return () => self;
      // Anything else (`then`, `call`...) as on the function itself: a palette is not a thenable.
      return Reflect.get(target, name) as unknown;
    },
  }) as unknown as ChalkInstance;
  return self;
}

/** `visible` text shows only where colour is on: at level 0 a chain with it prints nothing. */
const visible = style(true);

/** The palette that never colours. */
export const plain: ChalkInstance = style(false);
