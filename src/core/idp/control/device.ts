import { parseDeviceOutcome } from '../device.js';
import { json } from '../http.js';
import type { ControlHandler } from './types.js';

/** POST /device: the outcome of the next device-code flows (`outcome[:after]`, sticky or once). */
export const scriptDevice: ControlHandler = ({ body }, deps) => {
  const { outcome, after } = parseDeviceOutcome(
    `${String(body.outcome ?? '')}${body.after !== undefined ? `:${String(body.after)}` : ''}`,
  );
  deps.store.deviceScript = { outcome, after, sticky: Boolean(body.sticky) };
  return json(200, { outcome, after, sticky: Boolean(body.sticky) });
};
