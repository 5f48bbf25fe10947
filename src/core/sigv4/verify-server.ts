/** `--server-error FILE`: our canonical request and string to sign against the service's own. */
import { diffCanonicalRequests, parseServerDetails } from './diff.js';
import { sameStringToSignFinding } from './verify-checks.js';
import type { VerifyFinding, VerifySignedRequestResult } from './verify-types.js';

/** The service's string to sign against ours: which part differs. */
function stringToSignDiffers(server: string, ours: string): VerifyFinding {
  const [, date, scope] = server.split('\n');
  const [, ourDate, ourScope] = ours.split('\n');
  const what =
    date !== ourDate
      ? 'timestamp'
      : scope !== ourScope
        ? 'credential scope'
        : 'canonical request hash';
  return {
    code: 'STRING_TO_SIGN_DIFFERS',
    severity: 'error',
    stage: 'string-to-sign',
    message: `the service's string to sign differs in its ${what}`,
  };
}

/** Diffs our canonical request and string to sign against the service's (its error body or log). */
export function compareWithServer(result: VerifySignedRequestResult, text: string): void {
  const server = parseServerDetails(text);
  if (server.canonicalRequest && result.canonicalRequest) {
    result.diff = diffCanonicalRequests(result.canonicalRequest, server.canonicalRequest);
    const changed = result.diff.filter((d) => !d.same);
    if (changed.length) {
      result.findings.push({
        code: 'CANONICAL_REQUEST_DIFFERS',
        severity: 'error',
        stage: 'canonical-request',
        message: `the service canonicalised the request differently: ${changed.map((d) => d.label).join(', ')}`,
        hint: changed.some((d) => d.label === 'header host')
          ? 'a proxy or client changed Host (port?) after signing: sign the Host the service receives'
          : 'see the line diff: the request changed between signer and service, or the signer broke a canonicalisation rule',
      });
    }
  }
  if (server.stringToSign && server.stringToSign !== result.stringToSign)
    result.findings.push(stringToSignDiffers(server.stringToSign, result.stringToSign));
  else if (server.stringToSign)
    result.findings.push(sameStringToSignFinding(result.signatureMatches));
}
