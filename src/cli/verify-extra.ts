import path from 'node:path';
import type { CliContext } from './context.js';

/** The verify-config flags that answer without checking files: --list-rules, --explain, --list-profiles. */
export interface VerifyInfoFlags {
  listRules?: boolean;
  listProfiles?: boolean;
  explain?: string;
}

/** Profile files from `[verify] profiles` in authctl's config, resolved against that file's directory. */
export async function configuredProfiles(ctx: CliContext): Promise<string[]> {
  let loaded;
  try {
    loaded = await ctx.config();
  } catch {
    // A broken authctl config is what verify-config is often run on: its problems become findings there.
    return [];
  }
  const { config, filepath } = loaded;
  const base = filepath ? path.dirname(filepath) : ctx.cwd;
  return (config.verify?.profiles ?? []).map((p) => path.resolve(base, p));
}

/** Prints rule or profile information; false when none of those flags was given. */
export async function runVerifyInfo(
  ctx: CliContext,
  flags: VerifyInfoFlags,
  profiles: string[],
): Promise<boolean> {
  if (!flags.listRules && !flags.listProfiles && flags.explain === undefined) return false;
  const { buildRegistry } = await import('../core/verify/engine/registry.js');
  const { loadProfileFile } = await import('../core/verify/engine/load.js');
  const { explainRule, listRules, renderRuleInfo } =
    await import('../core/verify/engine/explain.js');
  const registry = buildRegistry(
    await Promise.all(profiles.map((p) => loadProfileFile(p, ctx.cwd))),
  );
  if (flags.explain !== undefined) {
    const rule = explainRule(registry, flags.explain);
    ctx.out.result(rule, renderRuleInfo);
  } else if (flags.listProfiles) {
    const rows = [...registry.values()].map((p) => ({
      name: p.name,
      title: p.title,
      formats: p.kinds,
      source: p.source,
      files: p.definition?.files.map((f) => f.name) ?? [],
      docs: p.definition?.docs ?? [],
    }));
    ctx.out.result(rows, (r) =>
      r
        .map(
          (p) =>
            `${p.name.padEnd(24)} ${p.title} (${p.formats.join(', ')})${p.files.length ? ` — ${p.files.join(', ')}` : ''}`,
        )
        .join('\n'),
    );
  } else {
    const rules = listRules(registry);
    ctx.out.result(rules, (r) =>
      r
        .map(
          (x) =>
            `${x.id.padEnd(40)} ${x.severity.development}/${x.severity.staging}/${x.severity.production}`.padEnd(
              72,
            ) + ` ${x.summary}`,
        )
        .join('\n'),
    );
  }
  return true;
}
