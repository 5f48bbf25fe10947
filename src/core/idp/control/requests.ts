import { json } from '../http.js';
import type { ControlHandler } from './types.js';

/** GET /requests[?path=&client_id=]: the requests the service under test sent. */
export const listRequests: ControlHandler = ({ query }, deps) => {
  const path = query.get('path') ?? undefined;
  const clientId = query.get('client_id') ?? undefined;
  return json(200, { requests: deps.capture.list({ path, clientId }) });
};

/** DELETE /requests. */
export const clearRequests: ControlHandler = (_req, deps) => {
  deps.capture.clear();
  return json(200, { requests: [] });
};
