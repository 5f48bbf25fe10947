import { promises as fs } from 'node:fs';
import { parseJson } from './config/toml.js';
import { type CodeOfKind, usageError } from './errors.js';
import { writeFileAtomic } from './fs/atomic.js';

/**
 * A baseline: the findings a pipeline accepts for now, so a check can be adopted gradually.
 * `authctl probe` and `authctl verify-config` share the file shape; `format` tells them apart.
 */
export interface Baseline<F extends string, E extends { key: string }> {
  format: F;
  version: 1;
  findings: E[];
}

export interface BaselineKind<F extends string> {
  format: F;
  /** Error code and the command that writes one, for the messages. */
  code: CodeOfKind<'usage'>;
  command: string;
}

export async function readBaselineFile<F extends string, E extends { key: string }>(
  file: string,
  kind: BaselineKind<F>,
): Promise<Baseline<F, E>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw usageError(
      kind.code,
      `cannot read baseline: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { where: file, hint: 'create one with {{writeBaseline}} FILE' },
    );
  }
  const doc = parseJson(text, file) as Partial<Baseline<F, E>>;
  if (
    doc?.format !== kind.format ||
    !Array.isArray(doc.findings) ||
    doc.findings.some((f) => typeof f?.key !== 'string')
  ) {
    throw usageError(
      kind.code,
      `not an ${kind.format.replace(/-baseline$/, '').replace('-', ' ')} baseline`,
      { where: file, hint: `create one with \`${kind.command} {{writeBaseline}} FILE\`` },
    );
  }
  return doc as Baseline<F, E>;
}

/** Written atomically (temp file, fsync, rename): a crash never leaves half a baseline. */
export async function writeBaselineFile<F extends string, E extends { key: string }>(
  file: string,
  format: F,
  findings: E[],
): Promise<void> {
  const doc: Baseline<F, E> = { format, version: 1, findings };
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
}
