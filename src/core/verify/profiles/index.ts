import { agentflow } from './agentflow.js';
import type { ProfileChecker } from './types.js';
import type { DocumentKind } from '../document.js';

/**
 * The profiles still written as code, in detection order (ties go to the first). Every other
 * built-in profile is a file in templates/profiles/ run by the engine (src/core/verify/engine/).
 */
export const CODE_PROFILES: Record<
  string,
  {
    title: string;
    /** The line init's wizard shows (`init` in a profile file). */
    init?: string;
    kinds: readonly DocumentKind[];
    checker: ProfileChecker;
    /** Detection ties and the order of auto-detected files, like a profile file's `priority`. */
    priority: number;
    /** File names verify-config looks for when no FILES are given, in this order. */
    files: readonly string[];
  }
> = {
  agentflow: {
    title: 'agentflow',
    init: 'agentflow: agentflow.json + .env (JWT or custom)',
    kinds: ['json', 'env'],
    checker: agentflow,
    // After authctl (10), before DataPress (5): the order the code profiles had.
    priority: 6,
    files: ['agentflow.json'],
  },
};
