import * as z from 'zod'; // a namespace import lets the bundler keep only the parts of zod in use
// Each feature owns its section (src/core/<feature>/config.ts); config/ only composes them and
// imports nothing else from a feature.
import { apikeySection } from '../apikey/config.js';
import { idpSection } from '../idp/config.js';
import { keysSection } from '../keys/config.js';
import { probeSection } from '../probe/config.js';
import { sigv4Section } from '../sigv4/config.js';
import { tokenPresetsSection, tokenSection } from '../token/config.js';
import { verifySection } from '../verify/config.js';
import { homeKey, schemaKey } from './own-keys.js';

/**
 * The one definition of authctl's config: runtime validation and `authctl config schema`
 * (JSON Schema for editors) both derive from it. Loading a config validates with the sections the
 * file has only (config/sections.ts lists the same keys, in this order).
 */
export const authctlConfigSchema = z.strictObject({
  $schema: schemaKey,
  home: homeKey,
  token: tokenSection,
  tokens: tokenPresetsSection,
  keys: keysSection,
  idp: idpSection,
  apikey: apikeySection,
  sigv4: sigv4Section,
  probe: probeSection,
  verify: verifySection,
});

export type AuthctlConfig = z.infer<typeof authctlConfigSchema>;
