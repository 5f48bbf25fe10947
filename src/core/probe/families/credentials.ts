import { mergeHeaders } from '../headers.js';
import { presignMutations, S3_PRESIGN_REFUSALS } from '../presigned.js';
import type { CaseFamily } from './builder.js';
import { header, signSigV4, withCredential } from './request.js';

// Families for one credential scheme each: they apply when the endpoint's primary credential uses it.

/** `jwt:revoked`: the revoked token of an `env` credential with revoked_env. */
export const revokedFamily: CaseFamily = {
  name: 'jwt:revoked',
  build(b) {
    const { primary, base } = b;
    if (!primary.revokedHeaders) return;
    const request = { ...base, headers: mergeHeaders(base.headers, primary.revokedHeaders) };
    b.authn('jwt:revoked', 'revoked token (revoked_env)', request, primary.secrets);
  },
};

/** `apikey:*`: a key nobody issued, malformed authctl keys, the revoked key. */
export const apikeyFamily: CaseFamily = {
  name: 'apikey',
  async build(b) {
    if (!b.primary.apikey) return;
    // Loaded for API-key credentials only: most probe runs send bearer tokens (issue #17).
    const { generateApiKey, malformApiKey, parseApiKey } = await import('../../apikey/index.js');
    const { key, header: name, scheme, revoked } = b.primary.apikey;
    const send = (value: string) => header(b.base, name, scheme ? `${scheme} ${value}` : value);
    let prefix: string | undefined;
    try {
      prefix = parseApiKey(key).prefix;
    } catch {
      prefix = undefined; // not an authctl-format key: only unknown/revoked cases apply
    }
    const unknown = generateApiKey(prefix);
    b.authn('apikey:unknown', 'well-formed API key nobody issued', send(unknown), [unknown]);
    if (prefix) {
      for (const kind of ['bad-checksum', 'truncated'] as const) {
        const bad = malformApiKey(key, kind);
        b.authn(`apikey:${kind}`, `malformed API key (${kind})`, send(bad), [bad]);
      }
    }
    if (revoked) b.authn('apikey:revoked', 'revoked API key', send(revoked), [revoked]);
  },
};

/** `sigv4:*`: a wrong secret, a query tampered with after signing, a presigned URL that expired. */
export const sigv4Family: CaseFamily = {
  name: 'sigv4',
  async build(b) {
    const { primary: cred, base, ctx } = b;
    if (!cred.sigv4) return;
    const sigCase = (id: string, title: string, request: typeof base) =>
      b.negative({
        id,
        title,
        outcome: 'forbidden',
        statuses: b.endpoint.forbiddenStatus,
        tokenPresented: true,
        request,
        secrets: cred.secrets,
      });
    const secret = cred.sigv4.secretAccessKey;
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    sigCase(
      'sigv4:wrong-secret',
      'SigV4 signed with a wrong secret key',
      await signSigV4(base, cred, ctx.url, { secretAccessKey: wrong }),
    );
    const signed = await signSigV4(base, cred, ctx.url);
    const sep = signed.path.includes('?') ? '&' : '?';
    sigCase('sigv4:tampered-query', 'SigV4 request with a query parameter added after signing', {
      ...signed,
      path: `${signed.path}${sep}authctl-tampered=1`,
    });
    const now = ctx.now?.() ?? new Date();
    const past = new Date(now.getTime() - 2 * 3600 * 1000);
    sigCase(
      'sigv4:expired-presign',
      'presigned URL that expired an hour ago',
      await signSigV4(base, cred, ctx.url, { presign: true, date: past, expires: 3600 }),
    );
  },
};

/** `presigned:*`: mutations of a presigned URL the service issued (each must be refused). */
export const presignedFamily: CaseFamily = {
  name: 'presigned',
  async build(b) {
    const { primary, ctx, endpoint } = b;
    if (!primary.presigned) return;
    const valid = (await withCredential(b.base, primary, ctx)).request;
    const other = (v: string) => ctx.spec.tenants.other ?? `${v}-other`;
    const s3 = S3_PRESIGN_REFUSALS.has(primary.presigned.scheme) ? [400] : [];
    const statuses = [...new Set([...b.unauth, ...endpoint.forbiddenStatus, ...s3])];
    for (const m of presignMutations(valid, primary.presigned, other))
      b.negative({
        ...m,
        outcome: 'either',
        statuses,
        tokenPresented: true,
        secrets: primary.secrets,
      });
  },
};
