/**
 * JSON with comments (appsettings.json, tsconfig-style): `//` and `/* *\/` comments and trailing
 * commas, as .NET's configuration reader accepts them. Blanks them out to spaces, keeping every
 * line break and offset, so JSON.parse and locateJson see plain JSON with the same positions.
 * An unterminated block comment is left in place: JSON.parse then reports it where it starts.
 */
export function stripJsonComments(text: string): string {
  // Ranges to blank, collected in one pass and applied with slices (a char array of a 1 MB file is slow).
  const blanks: [number, number][] = [];
  let i = 0;
  let lastComma = -1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = endOfString(text, i + 1);
      lastComma = -1;
      continue;
    }
    if (c === 47 /* / */ && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      blanks.push([i, end < 0 ? text.length : end]);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === 47 && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      blanks.push([i, end + 2]);
      i = end + 2;
      continue;
    }
    if (c === 44 /* , */) lastComma = i;
    else if ((c === 125 /* } */ || c === 93) /* ] */ && lastComma >= 0) {
      blanks.push([lastComma, lastComma + 1]);
      lastComma = -1;
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) lastComma = -1;
    i++;
  }
  if (blanks.length === 0) return text;
  blanks.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [from, to] of blanks) {
    out += text.slice(at, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
}

function endOfString(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \\ */) j++;
    else if (c === 34 || c === 10) return j + 1;
  }
  return text.length;
}
