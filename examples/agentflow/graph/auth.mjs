// The custom auth backend referenced by agentflow-apikey.json ("path": "graph.auth:ApiKeyAuth").
// Reads X-API-Key and checks its SHA-256 against AGENTFLOW_API_KEYS_FILE (hashed seed file).
import path from 'node:path';
import { ApiKeyStore } from '../../_shared/apikeys.mjs';

export class ApiKeyAuth {
  #store;

  constructor({ env, baseDir }) {
    const file = env.AGENTFLOW_API_KEYS_FILE;
    if (!file) throw new Error('ApiKeyAuth needs AGENTFLOW_API_KEYS_FILE (a seed file of SHA-256 key hashes)');
    this.#store = ApiKeyStore.fromFile(path.resolve(baseDir, file));
  }

  /** Returns a minimal user context, or null for missing/invalid keys (never logs the key). */
  async authenticate(request) {
    const apiKey = request.headers['x-api-key'];
    if (!apiKey) return null;
    const result = this.#store.verify(apiKey);
    if (!result.ok) return null;
    const { entry } = result;
    const grants = [...entry.roles, ...entry.scopes];
    return { user_id: entry.name ?? entry.id, role: grants.includes('admin') ? 'admin' : 'service', roles: grants };
  }
}
