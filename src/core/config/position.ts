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
 * Where and why JSON.parse failed, without the excerpt of the input V8 puts in some messages
 * (`Unexpected token 'x', "{"d":"abc…"... is not valid JSON`): for key files that excerpt is secret.
 */
export function jsonErrorLocation(error: unknown, text: string): { reason: string; line?: number; column?: number } {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  const reason = /^Unexpected end of JSON input/.test(message)
    ? 'unexpected end of input'
    : message.replace(/^(Unexpected token '?.'?),.*$/s, '$1').replace(/\s*(in JSON )?at position \d+.*$/s, '');
  return position ? { reason, ...offsetToLineColumn(text, Number(position[1])) } : { reason };
}
