import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { Values } from './command.js';

/** What `authctl probe` reads from its flags (commander's view, globals merged in). */
export interface ProbeFlags {
  spec?: string;
  baseUrl?: string;
  concurrency?: number;
  timeout?: string;
  retries?: number;
  waitFor?: string;
  waitTimeout?: string;
  strict?: boolean;
  format?: string;
  output?: string;
  junit?: string;
  sarif?: string;
  html?: string;
  baseline?: string;
  writeBaseline?: string;
  dryRun?: boolean;
  secretsFile?: string;
  skew?: boolean;
  progress?: boolean;
  json?: boolean;
}

/** The report formats of `probe --format` besides text and json. */
export const PROBE_REPORT_FORMATS = ['github', 'markdown', 'sarif', 'junit', 'html'] as const;
const PROBE_FORMATS = ['text', 'json', ...PROBE_REPORT_FORMATS] as const;
export type ProbeFormat = (typeof PROBE_FORMATS)[number];
/** `human` is the old name of `text`. */
export const PROBE_FORMAT_ALIASES = { human: 'text' } as const;

/** The probe's options, every flag checked: what the run may rely on. */
export interface ProbeOptions extends Omit<ProbeFlags, 'format' | 'json' | 'timeout' | 'baseUrl'> {
  format: ProbeFormat;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** How long --wait-for waits (only when it will wait). */
  waitMs?: number;
  /** base_url override, without trailing slashes. */
  baseUrl?: string;
}

function formatOf(flags: ProbeFlags): ProbeFormat {
  const given = flags.json ? 'json' : (flags.format ?? 'text');
  const format = given === 'human' ? PROBE_FORMAT_ALIASES.human : given;
  if (!(PROBE_FORMATS as readonly string[]).includes(format))
    throw usageError('ERR_BAD_FORMAT', `unknown --format "${format}"`, {
      where: '--format',
      hint: `one of ${PROBE_FORMATS.join(', ')}`,
    });
  return format as ProbeFormat;
}

function timeoutOf(flags: ProbeFlags): number | undefined {
  if (flags.timeout === undefined) return undefined;
  const timeoutMs = parseDuration(flags.timeout, '--timeout') * 1000;
  if (timeoutMs <= 0)
    throw usageError('ERR_BAD_DURATION', '--timeout must be positive', {
      where: '--timeout',
      hint: 'e.g. --timeout 5s',
    });
  return timeoutMs;
}

function baseUrlOf(flags: ProbeFlags): string | undefined {
  if (!flags.baseUrl) return undefined;
  if (!/^https?:\/\/[^/]/.test(flags.baseUrl))
    throw usageError('ERR_BAD_URL', `--base-url must be an http(s) URL, got "${flags.baseUrl}"`, {
      where: '--base-url',
      hint: 'e.g. --base-url http://127.0.0.1:8080',
    });
  return flags.baseUrl.replace(/\/+$/, '');
}

/** The spec file: `authctl probe probe.toml` is `--spec probe.toml`, as verify-config takes its files. */
function specOf(positional: string | undefined, flag: string | undefined): string | undefined {
  if (positional !== undefined && flag !== undefined && positional !== flag)
    throw usageError(
      'ERR_CONFLICTING_OPTION',
      `two specs given: ${positional} and --spec ${flag}`,
      {
        where: '--spec',
        hint: 'give the spec once, as `authctl probe FILE` or `authctl probe --spec FILE`',
      },
    );
  return positional ?? flag;
}

/** The probe's `parse`: every flag checked before a spec is read or a request sent. */
export function parseProbeOptions({
  args = [],
  flags: given,
}: Pick<Values<ProbeFlags>, 'flags'> & { args?: unknown[] }): ProbeOptions {
  const flags = { ...given, spec: specOf(args[0] as string | undefined, given.spec) };
  const { format: _format, json: _json, timeout: _timeout, ...rest } = flags;
  if (flags.concurrency !== undefined && (flags.concurrency < 1 || flags.concurrency > 256))
    throw usageError('ERR_BAD_NUMBER', '--concurrency must be 1..256', {
      where: '--concurrency',
      hint: 'e.g. --concurrency 16',
    });
  return {
    ...rest,
    format: formatOf(flags),
    timeoutMs: timeoutOf(flags),
    baseUrl: baseUrlOf(flags),
    waitMs:
      flags.waitFor && !flags.dryRun
        ? parseDuration(flags.waitTimeout ?? '30s', '--wait-timeout') * 1000
        : undefined,
  };
}
