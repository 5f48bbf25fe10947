import { defectName, probedDefects, type DefectSpec } from '../../token/defects.js';
import { weakSecretCases } from '../weak-secret-cases.js';
import { WEAK_SECRETS } from '../weak-secrets.js';
import type { CaseFamily } from './builder.js';

/** Forgeries that need no key the service trusts: tried for every bearer credential. */
export const FORGERIES: DefectSpec[] = probedDefects({ trustedKey: false });

/** Defects signed by the right key: they test claim checks, so only when authctl holds that key. */
export const CLAIM_DEFECTS: DefectSpec[] = probedDefects({ trustedKey: true });

/** `jwt:KIND`: tokens with one defect each (claim defects only when authctl can sign like the issuer). */
export const jwtDefectsFamily: CaseFamily = {
  name: 'jwt',
  async build(b) {
    const template = b.primary.jwt;
    if (!template) return;
    const defects = template.signable ? [...CLAIM_DEFECTS, ...FORGERIES] : FORGERIES;
    await b.tokens(
      template,
      defects.map((defect) => ({
        id: `jwt:${defectName(defect)}`,
        title: `token: ${defectName(defect)}`,
        outcome: 'unauthenticated',
        statuses: b.unauth,
        overrides: { defect, jkuUrl: b.ctx.jkuUrl, attackerKey: b.ctx.attackerKey },
      })),
    );
  },
};

/** `jwt:weak-secret`: HS tokens signed with well-known secrets, on one endpoint of the run. */
export const weakSecretFamily: CaseFamily = {
  name: 'jwt:weak-secret',
  async build(b) {
    const template = b.primary.jwt;
    if (!template || b.endpoint.index !== b.ctx.weakSecretEndpoint) return;
    const secrets = b.ctx.weakSecrets ?? WEAK_SECRETS;
    const excluded = (id: string) => b.excluded(id);
    for (const c of await weakSecretCases(template, secrets, b.ctx.mint, b.base, excluded))
      b.negative({ ...c, outcome: 'unauthenticated', statuses: b.unauth, tokenPresented: true });
  },
};
