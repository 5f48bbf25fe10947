import { mergeHeaders } from '../headers.js';
import type { CaseFamily } from './builder.js';
import { header } from './request.js';

const DEFAULT_DEV_HEADERS = (tenant?: string) => ({
  'X-Dev-User-Id': 'authctl-probe',
  'X-Org-Id': tenant ?? 'authctl-probe',
  'X-User-Roles': 'admin',
});

/** Requests with no or broken credentials, whatever the scheme: all must be refused as unauthenticated. */
export const baselineFamily: CaseFamily = {
  name: 'baseline',
  build(b) {
    const { base, endpoint, ctx } = b;
    b.authn('no-credentials', 'no credentials', base, [], false);
    // RFC 6750 §3.1 answers a malformed request with 400 invalid_request: accept it besides 401.
    b.negative({
      id: 'malformed-authorization',
      title: 'malformed Authorization header ("Bearer" without a token)',
      outcome: 'unauthenticated',
      statuses: [...new Set([...b.unauth, 400])],
      tokenPresented: true,
      request: header(base, 'Authorization', 'Bearer'),
    });
    b.authn(
      'bearer-garbage',
      'Bearer with garbage',
      header(base, 'Authorization', 'Bearer not-a-token.garbage'),
    );
    const devAllowed = endpoint.allow.some((n) => ctx.credentials.get(n)!.type === 'headers');
    if (devAllowed) return;
    const dev = ctx.spec.devHeaders ?? DEFAULT_DEV_HEADERS(endpoint.tenant);
    b.authn(
      'dev-headers',
      'dev headers alone (X-Dev-User-Id, X-Org-Id) must not authenticate',
      { ...base, headers: mergeHeaders(base.headers, dev) },
      [],
      false,
    );
  },
};
