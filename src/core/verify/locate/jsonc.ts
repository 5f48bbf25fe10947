/**
 * JSON with comments (appsettings.json, tsconfig-style): `//` and `/* *\/` comments and trailing
 * commas, as .NET's configuration reader accepts them. Blanks them out to spaces, keeping every
 * line break and offset, so JSON.parse and locateJson see plain JSON with the same positions.
 * An unterminated block comment is left in place: JSON.parse then reports it where it starts.
 */
export function stripJsonComments(text: string): string {
  const out = text.split('');
  let i = 0;
  let lastComma = -1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i = endOfString(text, i + 1);
      lastComma = -1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = blank(out, i, end < 0 ? text.length : end);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      i = blank(out, i, end + 2);
      continue;
    }
    if (c === ',') lastComma = i;
    else if ((c === '}' || c === ']') && lastComma >= 0) out[lastComma] = ' ';
    if (!' \t\r\n,'.includes(c)) lastComma = -1;
    i++;
  }
  return out.join('');
}

/** Overwrites text[from, to) with spaces except line breaks; returns `to`. */
function blank(out: string[], from: number, to: number): number {
  for (let j = from; j < to; j++) if (out[j] !== '\n' && out[j] !== '\r') out[j] = ' ';
  return to;
}

function endOfString(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"' || text[j] === '\n') return j + 1;
  }
  return text.length;
}
