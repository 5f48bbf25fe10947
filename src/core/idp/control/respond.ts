import { json } from '../http.js';

/** A refused control request: 400 invalid_request with the reason. */
export const bad = (message: string) =>
  json(400, { error: 'invalid_request', error_description: message });
