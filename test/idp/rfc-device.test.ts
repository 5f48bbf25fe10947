import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, discover, startTestIdp, type TestIdp } from './helpers.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// RFC 8628 §3.5, on the issuer's clock (moved over the control API: no real waiting).
describe('idp: device flow polling faster than the interval gets slow_down', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
    await control(idp.url, 'POST', '/clock', { freeze: true });
  });
  afterAll(() => idp.close());

  const advance = (seconds: number) => control(idp.url, 'POST', '/clock', { advance: seconds });

  it("answers slow_down to an early poll and adds 5 s to that device code's interval", async () => {
    const config = await discover(idp.url, 'tv-app', undefined);
    await control(idp.url, 'POST', '/device', { outcome: 'approve', after: 1 });
    const auth = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    expect(auth.interval).toBe(5);
    const poll = () =>
      client.genericGrantRequest(config, DEVICE_GRANT, { device_code: auth.device_code });
    await expect(poll()).rejects.toMatchObject({ error: 'authorization_pending' });
    await advance(4);
    await expect(poll()).rejects.toMatchObject({ error: 'slow_down' });
    // The interval is now 10 s, counted from the early poll: 5 s later is still too soon.
    await advance(5);
    await expect(poll()).rejects.toMatchObject({ error: 'slow_down' });
    await advance(15);
    const tokens = await poll();
    expect(tokens.access_token).toBeTruthy();
  });

  it('keeps the interval per device code: another code still polls every 5 s', async () => {
    const config = await discover(idp.url, 'tv-app', undefined);
    const auth = await client.initiateDeviceAuthorization(config, {});
    const poll = () =>
      client.genericGrantRequest(config, DEVICE_GRANT, { device_code: auth.device_code });
    await expect(poll()).rejects.toMatchObject({ error: 'authorization_pending' });
    await advance(5);
    await expect(poll()).rejects.toMatchObject({ error: 'authorization_pending' });
  });
});
