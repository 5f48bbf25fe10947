import { DEFAULT_CLAIMS_MAPPING } from './claims.js';
import { printable } from '../terminal.js';
import { decodeToken } from './decode.js';
import {
  checkAudience,
  checkExpiry,
  checkIssuer,
  checkNotBefore,
  checkRoles,
  checkScopes,
  checkTenant,
} from './verify-claims.js';
import { checkAlgorithm, checkEncoding, checkSignatureStage } from './verify-signature.js';
import type {
  VerifyContext,
  VerifyReport,
  VerifyStage,
  VerifyTokenOptions,
  VerifyTokenResult,
} from './verify-types.js';

export type {
  CheckName,
  VerifyCheck,
  VerifyTokenOptions,
  VerifyTokenResult,
} from './verify-types.js';
export { headerText } from './verify-text.js';

/** The checks in the order they are reported; each is one stage, every one runs (all failures at once). */
const STAGES: readonly VerifyStage[] = [
  checkEncoding,
  checkAlgorithm,
  checkSignatureStage,
  checkIssuer,
  checkAudience,
  checkExpiry,
  checkNotBefore,
  checkScopes,
  checkRoles,
  checkTenant,
];

/** Verifies a JWT and reports every failed check at once, each explained in words. */
export async function verifyToken(options: VerifyTokenOptions): Promise<VerifyTokenResult> {
  const now = (options.clock ?? Date.now)() / 1000;
  const decoded = decodeToken(options.token, now * 1000);
  const ctx: VerifyContext = {
    options,
    decoded,
    header: decoded.header,
    claims: decoded.claims,
    now,
    leeway: options.leewaySeconds ?? 0,
    mapping: { ...DEFAULT_CLAIMS_MAPPING, ...options.mapping },
  };
  const report = newReport();
  for (const stage of STAGES) await stage(ctx, report);
  // Messages quote the token's own strings: no control character reaches a terminal.
  for (const check of report.checks) check.message = printable(check.message);
  return {
    valid: report.checks.every((c) => c.status !== 'fail'),
    header: decoded.header,
    claims: decoded.claims,
    checks: report.checks,
    verifiedWith: report.verifiedWith,
    audienceChecked: Boolean(options.audience?.length),
  };
}

function newReport(): VerifyReport {
  const checks: VerifyReport['checks'] = [];
  return {
    checks,
    pass: (check, message) => void checks.push({ check, status: 'pass', message }),
    fail: (check, code, message) => void checks.push({ check, status: 'fail', code, message }),
    skip: (check, message) => void checks.push({ check, status: 'skip', message }),
  };
}
