import type * as z from 'zod';
import { usageError } from '../errors.js';
import { closest } from '../suggest.js';
import type { SourceMap } from '../verify/types.js';
import { probeSpecSchema, type ProbeSpecConfig } from './config.js';
import { specWhere } from './spec-where.js';

/**
 * A probe spec validated by zod: loaded only when the check without zod (spec.ts) is not sure of
 * it, a spec with a mistake among them, whose first issue it words as a usage error (exit 2).
 */
export function validateSpec(raw: unknown, source: string, map?: SourceMap): ProbeSpecConfig {
  // jitless: zod would otherwise generate and compile a parser per object schema, which pays off
  // only over many parses; a spec is parsed once per run (and compiling them was ~5 ms of start-up).
  const result = probeSpecSchema.safeParse(raw, { jitless: true });
  if (!result.success) throw specError(result.error, source, map);
  return result.data;
}

/** Every key a probe spec may have at any level: what an unknown key is matched against. */
const KNOWN_KEYS = [
  'base_url',
  'jwt',
  'credentials',
  'endpoints',
  'params',
  'tenants',
  'variants',
  'measure_skew',
  'dev_headers',
  'concurrency',
  'timeout',
  'method',
  'path',
  'name',
  'body',
  'headers',
  'public',
  'allow',
  'deny',
  'tenant',
  'scopes',
  'roles',
  'status',
  'unauthenticated_status',
  'forbidden_status',
  'tenant_mismatch_status',
  'exclude',
  'severity',
  'issuer',
  'audience',
  'alg',
  'ttl',
  'tenant_claim',
  'roles_claim',
  'scope_claim',
  'scope_format',
  'sub',
  'preset',
  'claims',
  'secret_env',
  'secret_file',
  'secret_encoding',
  'status_claim',
  'status_header',
  'suspended_value',
  'mismatch_status',
  'other',
  'revoke',
  'revoke_within',
  'revoked_env',
  'url_env',
  'command',
  'scheme',
  'signature_param',
  'expires_param',
  'tenant_param',
  'rotation',
  'refresh_within',
  'retire_within',
  'grace',
  'control_token_env',
  'issuer_id',
  'credential',
];

function specError(error: z.ZodError, source: string, map?: SourceMap) {
  const issue = error.issues[0]!;
  const keyPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const dotted = keyPath
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
  let message = `${dotted ? `${dotted}: ` : ''}${issue.message}`;
  let hint = 'see the README section on authctl probe for every key of a probe spec';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    message = `unknown key "${dotted ? `${dotted}.` : ''}${key}"`;
    const suggestion = closest(key, KNOWN_KEYS);
    if (suggestion) hint = `did you mean "${suggestion}"?`;
  } else if (keyPath[0] === 'credentials' && keyPath.length === 3 && keyPath[2] === 'type') {
    hint = 'type is one of jwt, idp, env, apikey, sigv4, presigned, headers';
  }
  return usageError('ERR_PROBE_SPEC_INVALID', message, {
    where: specWhere(source, map, keyPath),
    hint,
  });
}
