import path from 'node:path';
import type { AuthctlConfig } from '../config/schema.js';

export interface DemoProbeSummary {
  status: string;
  endpoints: number;
  checks: number;
  passed: number;
  failed: number;
  critical: number;
  error: number;
  warning: number;
  requests: number;
  durationMs: number;
  findings: string[];
}

/** Runs the probe once against the demo's service: its summary and first findings, one line each. */
export async function runProbeOnce(
  specFile: string,
  baseUrl: string,
  home: string,
  configFile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DemoProbeSummary> {
  const [{ loadProbeSpecFile }, { runProbe }, { Keystore }, { loadConfig }] = await Promise.all([
    import('../probe/spec.js'),
    import('../probe/runner.js'),
    import('../keys/keystore.js'),
    import('../config/load.js'),
  ]);
  const spec = await loadProbeSpecFile(specFile);
  spec.baseUrl = baseUrl;
  const cwd = path.dirname(specFile);
  const config: AuthctlConfig = configFile
    ? (await loadConfig({ configFile, cwd, env })).config
    : {};
  const result = await runProbe({
    spec,
    config,
    keystore: new Keystore({ dir: home }),
    env,
    cwd,
  });
  const findings =
    result.status === 'control-failed'
      ? result.controlFailures.map(
          (f) =>
            `control failed: ${f.endpoint} ${f.credential ?? ''} expected ${f.expected}, got ${f.got}`,
        )
      : result.findings.map((f) => `${f.severity} ${f.endpoint} ${f.case}: ${f.message}`);
  return { status: result.status, ...result.summary, findings };
}
