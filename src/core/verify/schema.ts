import * as z from 'zod';
import { authctlConfigSchema } from '../config/schema.js';

/**
 * JSON Schema of authctl's config, derived from the same zod schema that validates it, so
 * editors (TOML via Taplo / Even Better TOML, JSON via $schema) and `verify-config` agree.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(authctlConfigSchema, {
    unrepresentable: 'any',
    io: 'input',
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://authctl.dev/schema/authctl.json',
    title: 'authctl config',
    description: 'authctl.toml, .authctlrc.{json,toml}, authctl.config.json, package.json#authctl',
  };
}
