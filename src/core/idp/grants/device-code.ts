import { OAuthError, invalidGrant, invalidRequest } from '../http.js';
import { tokenResponse } from '../issue.js';
import type { DeviceRecord } from '../store.js';
import { defineGrant, type GrantContext } from './types.js';

const pending = (error: string, description: string) => new OAuthError(400, error, description);

/**
 * RFC 8628 §3.4 polling. The outcome is scripted (control API or `authctl_outcome`), or decided
 * by a human on the /device page; until then the client gets authorization_pending.
 */
export const deviceCode = defineGrant(
  'urn:ietf:params:oauth:grant-type:device_code',
  async (ctx) => {
    const { req, deps, client } = ctx;
    const code = req.body.device_code;
    if (!code) throw invalidRequest('device_code is required');
    const device = await deps.store.getDevice(code);
    if (!device) throw invalidGrant('device_code is invalid or was already used');
    if (device.clientId !== client.clientId)
      throw invalidGrant('device_code was issued to another client');
    const now = deps.clock.now();
    if (now >= device.expiresAt) {
      await deps.store.deleteDevice(code);
      throw pending('expired_token', 'the device code has expired');
    }
    try {
      checkPollInterval(device, now);
      device.polls += 1;
    } finally {
      // The poll's changes (count, last poll, a grown interval) are saved for the next poll.
      await deps.store.putDevice(code, device);
    }
    if (device.outcome && device.polls > device.after)
      return scriptedOutcome(ctx, code, device, now);
    throw pending('authorization_pending', 'the user has not yet approved this device');
  },
);

/**
 * RFC 8628 §3.5: a poll sooner than `interval` after the previous one is slow_down, and the
 * interval grows by 5 s for this device code. It is not counted as a poll of the script.
 */
function checkPollInterval(device: DeviceRecord, now: number): void {
  const tooSoon =
    device.lastPollAt !== undefined && now - device.lastPollAt < device.interval * 1000;
  device.lastPollAt = now;
  if (tooSoon) {
    device.interval += 5;
    throw pending(
      'slow_down',
      `polled sooner than the interval; wait ${device.interval}s between polls (RFC 8628 §3.5)`,
    );
  }
}

/** The scripted (or approved) outcome, once its `after` polls have passed. */
async function scriptedOutcome(
  { issuer, deps, client, requestClaims, confirmation, audience }: GrantContext,
  code: string,
  device: DeviceRecord,
  now: number,
): Promise<Record<string, unknown>> {
  switch (device.outcome) {
    case 'slow_down':
      device.interval += 5;
      await deps.store.putDevice(code, device);
      throw pending('slow_down', `polling too fast; wait ${device.interval}s between polls`);
    case 'expired_token':
      await deps.store.deleteDevice(code);
      throw pending('expired_token', 'the device code has expired');
    case 'access_denied':
      await deps.store.deleteDevice(code);
      throw pending('access_denied', 'the user denied the request');
    case 'approve': {
      await deps.store.deleteDevice(code);
      const principal = device.principal ?? {
        sub: `device-user`,
        scopes: device.scopes,
        claims: {},
      };
      return tokenResponse(deps, issuer, {
        clientId: client.clientId,
        client: client.config,
        principal,
        requestClaims,
        confirmation,
        audience,
        refresh: true,
        idToken: { authTime: Math.floor(now / 1000) },
      });
    }
  }
  throw pending('authorization_pending', 'the user has not yet approved this device');
}
