import type { IdpDeps, IdpResponse } from '../types.js';

export type ControlBody = Record<string, unknown>;

/** What a control handler sees: the JSON (or form) body as an object, and the query. */
export interface ControlRequest {
  body: ControlBody;
  query: URLSearchParams;
}

export type ControlHandler = (
  req: ControlRequest,
  deps: IdpDeps,
) => Promise<IdpResponse> | IdpResponse;
