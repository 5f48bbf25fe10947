// node:crypto through require(), on first use: its ESM import also loads WebCrypto (node.ts).
import { loadCrypto } from './node.js';

/**
 * Constant-time comparison of two secrets or signatures of any length: both are hashed first, so
 * neither their content nor their length shows in the timing. The one comparison authctl uses for
 * client secrets, passwords, PKCE verifiers and request signatures.
 */
export function sameSecret(a: string, b: string): boolean {
  const hash = (s: string) => loadCrypto().createHash('sha256').update(s).digest();
  return loadCrypto().timingSafeEqual(hash(a), hash(b));
}
