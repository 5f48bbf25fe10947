/** Position of the n-th occurrence of `needle` in `text`, to write locator expectations readably. */
export function at(text: string, needle: string, nth = 0): { line: number; column: number } {
  let offset = -1;
  for (let k = 0; k <= nth; k++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
