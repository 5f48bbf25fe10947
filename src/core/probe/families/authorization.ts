import type { CaseFamily } from './builder.js';

/** `scope:missing`: a token without the endpoint's required scopes is forbidden (insufficient_scope). */
export const scopeFamily: CaseFamily = {
  name: 'scope',
  async build(b) {
    const template = b.primary.jwt;
    const scopes = b.endpoint.scopes;
    if (!template?.signable || !scopes?.length) return;
    await b.token(template, {
      id: 'scope:missing',
      title: `token without the scopes ${scopes.join(', ')}`,
      outcome: 'forbidden',
      statuses: b.endpoint.forbiddenStatus,
      overrides: { defect: { kind: 'missing-scope' } },
      missingScope: true,
    });
  },
};

/** `role:missing`: a token without the endpoint's required roles is forbidden. */
export const roleFamily: CaseFamily = {
  name: 'role',
  async build(b) {
    const template = b.primary.jwt;
    const roles = b.endpoint.roles;
    if (!template?.signable || !roles?.length) return;
    const claim = template.mapping.rolesClaim ?? '/roles';
    await b.token(template, {
      id: 'role:missing',
      title: `token without the roles ${roles.join(', ')}`,
      outcome: 'forbidden',
      statuses: b.endpoint.forbiddenStatus,
      overrides: { roles: undefined, claims: { ...template.claims, [claim]: undefined } },
    });
  },
};
