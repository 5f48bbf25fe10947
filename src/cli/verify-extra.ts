import path from 'node:path';
import type { Deps } from './command.js';

/** The verify-config flags that answer without checking files: --list-rules, --explain, --list-profiles. */
export interface VerifyInfoFlags {
  listRules?: boolean;
  listProfiles?: boolean;
  explain?: string;
}

/** Profile files from `[verify] profiles` in authctl's config, resolved against that file's directory. */
export async function configuredProfiles(ctx: Pick<Deps, 'config' | 'cwd'>): Promise<string[]> {
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

/** Rule or profile information (its JSON and its text); undefined when none of those flags was given. */
export async function verifyInfo(
  cwd: string,
  flags: VerifyInfoFlags,
  profiles: string[],
): Promise<{ data: unknown; text: string } | undefined> {
  if (!flags.listRules && !flags.listProfiles && flags.explain === undefined) return undefined;
  const { buildRegistry } = await import('../core/verify/engine/registry.js');
  const { loadProfileFile } = await import('../core/verify/engine/load.js');
  const { explainRule, listRules, renderRuleInfo } =
    await import('../core/verify/engine/explain.js');
  const registry = buildRegistry(await Promise.all(profiles.map((p) => loadProfileFile(p, cwd))));
  if (flags.explain !== undefined) {
    const rule = explainRule(registry, flags.explain);
    return { data: rule, text: renderRuleInfo(rule) };
  }
  if (flags.listProfiles) {
    const rows = [...registry.values()].map((p) => ({
      name: p.name,
      title: p.title,
      formats: p.kinds,
      source: p.source,
      files: p.definition?.files.map((f) => f.name) ?? [],
      docs: p.definition?.docs ?? [],
    }));
    const text = rows
      .map(
        (p) =>
          `${p.name.padEnd(24)} ${p.title} (${p.formats.join(', ')})${p.files.length ? ` — ${p.files.join(', ')}` : ''}`,
      )
      .join('\n');
    return { data: rows, text };
  }
  const rules = listRules(registry);
  const text = rules
    .map(
      (x) =>
        `${x.id.padEnd(40)} ${x.severity.development}/${x.severity.staging}/${x.severity.production}`.padEnd(
          72,
        ) + ` ${x.summary}`,
    )
    .join('\n');
  return { data: rules, text };
}
