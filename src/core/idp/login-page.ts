import { AuthctlError } from '../errors.js';
import { parsePointer } from '../jsonpointer.js';
import { claimPointer } from '../token/claims.js';
import { MAX_JSON_DEPTH, checkJsonNesting } from './body.js';
import type { IdpUserConfig } from './config.js';
import { OAuthError, escapeHtml } from './http.js';
import { layoutPage } from './page.js';
import { PROTECTED_CLAIMS, checkClaimKeys, nullPrototype } from './request-claims.js';

/** OAuth parameters carried through the login form as hidden fields. */
export const CARRIED_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'max_age',
  'code_challenge',
  'code_challenge_method',
  'authctl_claims',
  'dpop_jkt',
] as const;

export interface LoginPageOptions {
  params: Record<string, string>;
  /** Repeatable parameters (`resource`, `audience`), carried as one hidden field per value. */
  lists?: Record<string, string[]>;
  users: Map<string, IdpUserConfig>;
  /** The user to pre-fill (login_hint, or the first configured user). */
  selected?: string;
  issuerUrl: string;
  /** URL of this page without login_hint (for the "fill as" links). */
  pageUrl: URL;
  error?: string;
  /** What was typed into the extra-claims box, shown back after an error. */
  extraClaims?: string;
}

const EXAMPLE = '{"org_id": "42", "features": ["beta"]}';

/**
 * The login page's extra-claims box: empty, or a JSON object of claims (names or JSON pointers)
 * merged into the access and ID tokens. Claims that say who issued the token, to whom and for how
 * long (iss, aud, exp, ...: PROTECTED_CLAIMS) and the issuer's scope claim are refused.
 */
export function parseExtraClaims(
  text: string | undefined,
  scopeClaim: string,
): { claims?: Record<string, unknown>; error?: string } {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    checkJsonNesting(text, 'Extra claims');
    parsed = JSON.parse(text);
  } catch (error) {
    if (error instanceof OAuthError)
      return { error: `Extra claims nest deeper than ${MAX_JSON_DEPTH} levels.` };
    return {
      error: `Extra claims are not valid JSON (${(error as Error).message}); e.g. ${EXAMPLE}`,
    };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return { error: `Extra claims must be a JSON object, e.g. ${EXAMPLE}` };
  const claims = parsed as Record<string, unknown>;
  try {
    checkClaimKeys(claims, 'Extra claims');
  } catch (error) {
    if (error instanceof AuthctlError) return { error: `${error.message} (${error.hint})` };
    throw error;
  }
  const reserved = Object.keys(claims).filter((key) => {
    const first = parsePointer(claimPointer(key), 'Extra claims')[0]!;
    return PROTECTED_CLAIMS.has(first) || first === scopeClaim;
  });
  if (reserved.length)
    return {
      error: `Extra claims may not set ${reserved.join(', ')}: the issuer sets these (use the fields above for scopes, tenant and roles).`,
    };
  return { claims: nullPrototype(claims) };
}

/**
 * The developer picks or types the user, tenant, roles and scopes; fields are pre-filled from
 * `[idp.users.*]`. Works without JavaScript: "fill as" links reload the page with login_hint.
 */
export function loginPage(options: LoginPageOptions): string {
  const { params, users } = options;
  const user = options.selected ? users.get(options.selected) : undefined;
  const requested = params.scope ?? '';
  const scopes = requested || (user?.scopes ?? []).join(' ');
  const repeatable = Object.entries(options.lists ?? {}).flatMap(([name, values]) =>
    values.map((value): [string, string] => [name, value]),
  );
  const hidden = [
    ...CARRIED_PARAMS.filter((name) => params[name] !== undefined).map((name): [string, string] => [
      name,
      params[name]!,
    ]),
    ...repeatable,
  ]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const fillLinks = [...users.keys()]
    .map((name) => {
      const url = new URL(options.pageUrl);
      url.searchParams.set('login_hint', name);
      const u = users.get(name)!;
      const detail = [u.tenant, u.roles?.join(',')].filter(Boolean).join('; ');
      return `<li><a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(name)}${detail ? ` <small>(${escapeHtml(detail)})</small>` : ''}</a></li>`;
    })
    .join('');
  const body = `${options.error ? `<p role="alert"><strong>${escapeHtml(options.error)}</strong></p>` : ''}
<form method="post" action="">
${hidden}
<label for="username">User</label> <span class="hint" id="username-hint">subject of the token; any name works${users.size ? ', or pick a configured user' : ''}</span>
<input id="username" name="username" list="known-users" value="${escapeHtml(options.selected ?? '')}" placeholder="alice" required autofocus autocomplete="username" aria-describedby="username-hint">
<datalist id="known-users">${[...users.keys()].map((n) => `<option value="${escapeHtml(n)}">`).join('')}</datalist>
${fillLinks ? `<nav aria-label="Configured users"><ul class="users">${fillLinks}</ul></nav>` : ''}
<label for="tenant">Tenant</label> <span class="hint" id="tenant-hint">written at the tenant claim</span>
<input id="tenant" name="tenant" value="${escapeHtml(user?.tenant ?? '')}" aria-describedby="tenant-hint">
<label for="roles">Roles</label> <span class="hint" id="roles-hint">space or comma separated</span>
<input id="roles" name="roles" value="${escapeHtml((user?.roles ?? []).join(' '))}" aria-describedby="roles-hint">
<label for="scope_granted">Scopes</label> <span class="hint" id="scope-hint">space separated; what the token will carry</span>
<input id="scope_granted" name="scope_granted" value="${escapeHtml(scopes)}" aria-describedby="scope-hint">
<label for="extra_claims">Extra claims</label> <span class="hint" id="extra-claims-hint">optional JSON object merged into the access and ID tokens, e.g. ${escapeHtml(EXAMPLE)}; iss, aud, exp and other reserved claims are refused</span>
<textarea id="extra_claims" name="extra_claims" rows="3" spellcheck="false" aria-describedby="extra-claims-hint"${options.error && options.extraClaims !== undefined ? ' aria-invalid="true"' : ''}>${escapeHtml(options.extraClaims ?? '')}</textarea>
<div class="actions">
<button type="submit" class="primary" name="action" value="approve">Sign in</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button>
</div>
</form>
<dl>
<dt>Client</dt><dd><code>${escapeHtml(params.client_id ?? '')}</code></dd>
<dt>Redirect</dt><dd><code>${escapeHtml(params.redirect_uri ?? '')}</code></dd>
<dt>Issuer</dt><dd><code>${escapeHtml(options.issuerUrl)}</code></dd>
</dl>`;
  return layoutPage('Sign in', body);
}
