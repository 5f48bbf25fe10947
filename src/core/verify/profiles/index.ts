import type { Profile } from '../types.js';
import { agentflow } from './agentflow.js';
import { authctl } from './authctl.js';
import { datapress } from './datapress.js';
import { k3 } from './k3.js';
import { recsys } from './recsys.js';
import { relay } from './relay.js';
import type { ProfileChecker } from './types.js';
import type { DocumentKind } from '../document.js';

export const CHECKERS: Record<Profile, ProfileChecker> = {
  authctl,
  datapress,
  agentflow,
  recsys,
  relay,
  k3,
};

/** Which file kinds each profile reads. */
export const PROFILE_KINDS: Record<Profile, readonly DocumentKind[]> = {
  authctl: ['toml', 'json'],
  datapress: ['toml'],
  agentflow: ['json', 'env'],
  recsys: ['env'],
  relay: ['env'],
  k3: ['env'],
};
