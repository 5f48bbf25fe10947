import { parseDeviceOutcome } from '../device.js';
import { json } from '../http.js';
import type { ControlHandler } from './types.js';

/** POST /device: the outcome of the next device-code flows (`outcome[:after]`, sticky or once). */
export const scriptDevice: ControlHandler = async ({ body }, deps) => {
  const { outcome, after } = parseDeviceOutcome(
    `${String(body.outcome ?? '')}${body.after !== undefined ? `:${String(body.after)}` : ''}`,
  );
  await deps.store.setDeviceScript({ outcome, after, sticky: Boolean(body.sticky) });
  return json(200, { outcome, after, sticky: Boolean(body.sticky) });
};
