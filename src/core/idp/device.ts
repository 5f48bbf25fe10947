import { randomInt } from 'node:crypto';
import { authenticateClient, checkGrantAllowed, checkScopes } from './clients.js';
import { escapeHtml, fromAnotherSite, html, invalidRequest, json, splitScopes } from './http.js';
import { layoutPage } from './page.js';
import { issuerEndpointUrl } from './paths.js';
import { randomToken, type DeviceOutcome } from './store.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';
import { userPrincipal } from './users.js';

const OUTCOMES: DeviceOutcome[] = ['approve', 'slow_down', 'expired_token', 'access_denied'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** `approve:2` → approve after 2 pending polls. */
export function parseDeviceOutcome(value: string): { outcome: DeviceOutcome; after: number } {
  const [outcome, after = '0'] = value.split(':');
  if (!OUTCOMES.includes(outcome as DeviceOutcome) || !/^\d+$/.test(after)) {
    throw invalidRequest(`device outcome must be ${OUTCOMES.join('|')}[:N polls], got "${value}"`);
  }
  return { outcome: outcome as DeviceOutcome, after: Number(after) };
}

/** RFC 8628 §3.1-3.2: device authorization request. */
export async function deviceAuthorizationEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  if (req.method !== 'POST')
    return json(405, { error: 'invalid_request', error_description: 'use POST' });
  const client = await authenticateClient(req, deps, issuer);
  checkGrantAllowed(client, DEVICE_GRANT);
  const scopes = splitScopes(req.body.scope);
  checkScopes(client.config, client.clientId, scopes);
  const script = req.body.authctl_outcome
    ? { ...parseDeviceOutcome(req.body.authctl_outcome), sticky: false }
    : await deps.store.takeDeviceScript();
  const deviceCode = randomToken();
  const raw = Array.from(
    { length: 8 },
    () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)],
  ).join('');
  const userCode = `${raw.slice(0, 4)}-${raw.slice(4)}`;
  const expiresIn = 600;
  await deps.store.putDevice(deviceCode, {
    clientId: client.clientId,
    issuerId: issuer.id,
    userCode,
    scopes,
    expiresAt: deps.clock.now() + expiresIn * 1000,
    interval: 5,
    polls: 0,
    outcome: script?.outcome,
    after: script?.after ?? 0,
  });
  // Every vendor with a device authorization endpoint has a verification page (vendors/*.ts).
  const verification = issuerEndpointUrl(issuer, 'device')!;
  return {
    ...json(200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verification,
      verification_uri_complete: `${verification}?user_code=${userCode}`,
      expires_in: expiresIn,
      interval: 5,
    }),
    clientId: client.clientId,
  };
}

/** The page a human uses to approve or deny a device (RFC 8628 §3.3). */
export async function devicePage(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  const code =
    (req.method === 'POST' ? req.body.user_code : req.url.searchParams.get('user_code')) ?? '';
  // Only this page's own form may approve: a POST from another site just shows the page (CSRF).
  if (req.method === 'POST' && !fromAnotherSite(req.headers, issuer.url)) {
    const found = await deps.store.findDevice(code.toUpperCase(), issuer.id);
    if (!found)
      return html(
        400,
        layoutPage(
          'Unknown code',
          `<p role="alert">No pending device with code <code>${escapeHtml(code)}</code>.</p>`,
        ),
      );
    const { record: entry } = found;
    const approve = req.body.action === 'approve';
    entry.outcome = approve ? 'approve' : 'access_denied';
    entry.after = entry.polls;
    if (approve) {
      const user = req.body.username || 'device-user';
      entry.principal = userPrincipal(user, deps.settings.users.get(user), entry.scopes);
    }
    await deps.store.putDevice(found.code, entry);
    return html(
      200,
      layoutPage(
        approve ? 'Device approved' : 'Device denied',
        `<p>You can return to your device.</p>`,
      ),
    );
  }
  const body = `<form method="post">
  <p><label for="user_code">Code shown on the device</label><br><input id="user_code" name="user_code" value="${escapeHtml(code)}" required autofocus></p>
  <p><label for="username">Sign in as</label><br><input id="username" name="username" value="${escapeHtml([...deps.settings.users.keys()][0] ?? 'alice')}"></p>
  <p><button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button></p>
</form>`;
  return html(200, layoutPage('Connect a device', body));
}
