import { OAuthError } from './http.js';

const invalidTarget = (description: string) => new OAuthError(400, 'invalid_target', description);

/**
 * The audience a request asks for: every `audience` (RFC 8693 §2.1) and `resource` (RFC 8707 §2,
 * may repeat) value; undefined when none. A resource must be an absolute URI without a fragment,
 * else invalid_target (a relative or mistyped resource would otherwise become a silent `aud`).
 */
export function requestedAudience(lists: Record<string, string[]>): string[] | undefined {
  for (const resource of lists.resource ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {
      url = undefined;
    }
    if (!url || resource.includes('#'))
      throw invalidTarget(
        `resource "${resource}" must be an absolute URI without a fragment (RFC 8707 §2)`,
      );
  }
  const audience = [
    ...new Set([...(lists.audience ?? []), ...(lists.resource ?? [])].filter(Boolean)),
  ];
  return audience.length ? audience : undefined;
}

/** RFC 8707 §2.2: a code's token request may narrow the resources authorized at /authorize, never add one. */
export function checkWithinAuthorized(
  asked: string[] | undefined,
  authorized: string[] | undefined,
): void {
  if (!asked || !authorized) return;
  const extra = asked.filter((a) => !authorized.includes(a));
  if (extra.length)
    throw invalidTarget(
      `"${extra[0]}" was not authorized at /authorize (authorized: ${authorized.join(', ')})`,
    );
}
