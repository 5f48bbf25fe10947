import { usageError } from '../../errors.js';
import { closest } from '../../suggest.js';
import { levelFor, type Levels } from '../rules.js';
import { TARGETS, type Severity, type Target } from '../types.js';
import { MEANING_RULES } from './meaning-rules.js';
import { allRules, type Registry } from './registry.js';

export interface RuleInfo {
  id: string;
  summary: string;
  severity: Record<Target, Severity | 'off'>;
  /** Key meanings in profile files that reach this rule. */
  meanings: string[];
  /** Profiles that define the rule or re-level it. */
  profiles: string[];
  explain?: string;
}

function info(
  rule: { id: string; summary: string; levels: Levels; profiles: string[]; explain?: string },
  registry: Registry,
): RuleInfo {
  const severity = Object.fromEntries(
    TARGETS.map((t) => [t, levelFor(rule.levels, t) ?? 'off']),
  ) as Record<Target, Severity | 'off'>;
  const meanings = Object.entries(MEANING_RULES)
    .filter(([, rules]) => rules.includes(rule.id))
    .map(([m]) => m);
  const relevelled = [...registry.values()]
    .filter((p) => p.definition?.severity[rule.id] !== undefined)
    .map((p) => p.name);
  return {
    id: rule.id,
    summary: rule.summary,
    severity,
    meanings,
    profiles: [...new Set([...rule.profiles, ...relevelled])],
    ...(rule.explain ? { explain: rule.explain } : {}),
  };
}

/** Every rule verify-config can report: the built-in ones and those profile files define. */
export function listRules(registry: Registry): RuleInfo[] {
  return allRules(registry).map((r) => info(r, registry));
}

export function explainRule(registry: Registry, id: string): RuleInfo {
  const rules = allRules(registry);
  const rule = rules.find((r) => r.id === id);
  if (!rule) {
    const suggestion = closest(
      id,
      rules.map((r) => r.id),
    );
    throw usageError(
      'ERR_VERIFY_UNKNOWN_RULE',
      `unknown rule "${id}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      { field: 'explain', hint: 'list them with `authctl verify-config --list-rules`' },
    );
  }
  return info(rule, registry);
}

export function renderRuleInfo(rule: RuleInfo): string {
  const lines = [
    `${rule.id}: ${rule.summary}`,
    `  severity: ${TARGETS.map((t) => `${t} ${rule.severity[t]}`).join(', ')}`,
  ];
  if (rule.meanings.length) lines.push(`  reported for keys meaning: ${rule.meanings.join(', ')}`);
  if (rule.profiles.length) lines.push(`  defined or re-levelled by: ${rule.profiles.join(', ')}`);
  if (rule.explain) lines.push('', `  ${rule.explain}`);
  lines.push('', `  suppress one occurrence: # authctl-ignore ${rule.id}: reason`);
  return lines.join('\n');
}
