import {
  backgroundColorNames,
  Chalk,
  foregroundColorNames,
  modifierNames,
  type ChalkInstance,
} from 'chalk';
import { describe, expect, it } from 'vitest';
import { plain, STYLE_NAMES } from '../../src/cli/palette.js';

// The palette used wherever colour is off answers as chalk at level 0 does, without loading chalk.
const chalk0 = new Chalk({ level: 0 });
const inputs: unknown[][] = [['text'], ['a', 'b'], [42], [], [''], ['multi\nline'], [null, 1]];
type Style = (...args: unknown[]) => string;
const at = (palette: ChalkInstance, path: string[]) =>
  path.reduce<unknown>((p, name) => (p as Record<string, unknown>)[name], palette) as Style;

describe('plain palette', () => {
  it("knows exactly chalk's style names", () => {
    expect([...STYLE_NAMES].sort()).toEqual(
      [...modifierNames, ...foregroundColorNames, ...backgroundColorNames].sort(),
    );
  });

  it('prints what chalk at level 0 prints, for every style and chains of them', () => {
    const chains = [
      ...STYLE_NAMES.map((name) => [name]),
      ['red', 'bold'],
      ['bgBlue', 'white', 'underline'],
      ['dim', 'visible'],
      ['visible'],
      ['visible', 'red'],
    ];
    for (const chain of chains)
      for (const args of inputs)
        expect(at(plain, chain)(...args), `${chain.join('.')}(${String(args)})`).toBe(
          at(chalk0, chain)(...args),
        );
  });

  it('takes the colour models as chalk does: a colour, then the text', () => {
    expect(plain.hex('#ff0000')('x')).toBe(chalk0.hex('#ff0000')('x'));
    expect(plain.rgb(1, 2, 3).bold('y')).toBe(chalk0.rgb(1, 2, 3).bold('y'));
    expect(plain.bgAnsi256(200)('z', 'w')).toBe(chalk0.bgAnsi256(200)('z', 'w'));
  });

  it('says level 0 and is not a thenable (awaiting it must not hang)', async () => {
    expect(plain.level).toBe(0);
    expect((plain as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(Promise.resolve(plain)).resolves.toBe(plain);
  });
});
