import type { MintTokenOptions } from '../token/mint.js';
import {
  mintCommand,
  mintOptions,
  type JwtTemplate,
  type ResolvedCredential,
} from './credentials.js';
import { mergeHeaders } from './headers.js';
import type { ProbeRequest } from './http.js';
import type { ProbeSpec } from './spec.js';
import { weakSecretSource } from './weak-secrets.js';

export interface WeakSecretCase {
  id: string;
  title: string;
  request: ProbeRequest;
  secrets: string[];
  mintCommand?: () => string | undefined;
}

/**
 * The endpoint that gets the `jwt:weak-secret` family: the first protected endpoint whose first
 * credential signs HS* tokens. Once per spec, not per endpoint: the secret belongs to the verifier,
 * and one request per list entry on every endpoint would multiply a run by hundreds.
 * Sent only when the spec says HS* (a `jwt` credential resolving to HS*, or `[jwt] alg = "HS..."`).
 */
export function weakSecretTarget(
  spec: ProbeSpec,
  credentials: Map<string, ResolvedCredential>,
): number | undefined {
  return spec.endpoints.find((e) => {
    const cred = credentials.get(e.allow[0] ?? e.deny[0] ?? '');
    const alg = cred?.jwt?.alg ?? '';
    return (
      !e.public &&
      alg.startsWith('HS') &&
      (cred!.type === 'jwt' || Boolean(spec.jwt.alg?.startsWith('HS')))
    );
  })?.index;
}

/** One otherwise valid token per weak secret, signed with the template's HS algorithm. */
export async function weakSecretCases(
  template: JwtTemplate,
  secrets: readonly string[],
  mint: (o: Omit<MintTokenOptions, 'keystore'>) => Promise<string>,
  base: ProbeRequest,
  skip: (id: string) => boolean,
): Promise<WeakSecretCase[]> {
  const own = template.secret ? Buffer.from(template.secret).toString('utf8') : undefined;
  const out: WeakSecretCase[] = [];
  for (const weak of secrets) {
    const id = `jwt:weak-secret:${weak}`;
    if (weak.length === 0 || skip(id)) continue;
    const token = await mint({ ...mintOptions(template), secret: new TextEncoder().encode(weak) });
    const source = weakSecretSource(weak);
    // The weak value is public (it is on the list), so the finding names it, even when it is the
    // service's own secret: that is exactly what the owner must learn.
    const title = `token signed with the weak secret ${JSON.stringify(weak)}${source ? ` (${source})` : ''}${own === weak ? ', the secret the spec gives for the service' : ''}`;
    out.push({
      id,
      title,
      request: {
        ...base,
        headers: mergeHeaders(base.headers, { Authorization: `Bearer ${token}` }),
      },
      secrets: [token],
      mintCommand: () => mintCommand(template, {}, ['--secret', weak]),
    });
  }
  return out;
}

/** Candidates a `probe --secrets-file` may add: each is one request to the service. */
export const MAX_PROBE_SECRETS = 20_000;
