/** 1-based line and column of a character offset (no dependencies: used on the `token mint` path). */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where and why JSON.parse failed, for every JSON reader in authctl (config, keystore, API key store,
 * verify-config). The reason never carries the excerpt of the input V8 puts in some messages
 * (`Unexpected token 'x', "{"d":"abc…"... is not valid JSON`): a key file's excerpt is secret. When the
 * message has no position (often on Node 20), the offset is found as the shortest prefix that fails for
 * a reason other than ending early (monotonic, hence a binary search).
 */
export function jsonErrorLocation(
  error: unknown,
  text: string,
): { reason: string; line: number; column: number } {
  const message = error instanceof Error ? error.message : String(error);
  const reason = /^Unexpected end of JSON input/.test(message)
    ? 'unexpected end of input'
    : message
        .replace(/^(Unexpected token '?.'?),.*$/s, '$1')
        .replace(/\s*\(line \d+ column \d+\)/, '')
        .replace(/\s*(in JSON )?at position \d+.*$/s, '');
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { reason, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  return { reason, ...offsetToLineColumn(text, jsonErrorOffset(text, message)) };
}

function jsonErrorOffset(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const onlyEndsEarly = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      const at = /position (\d+)/.exec(reason);
      return /end of JSON input/i.test(reason) || (at !== null && Number(at[1]) >= n);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (onlyEndsEarly(mid)) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}
