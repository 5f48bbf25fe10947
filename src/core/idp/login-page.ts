import type { IdpUserConfig } from './config.js';
import { escapeHtml } from './http.js';
import { layoutPage } from './page.js';

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
