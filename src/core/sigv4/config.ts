// The `[sigv4.<name>]` section of authctl's config: owned here, composed by config/schema.ts.
import * as z from 'zod';

/**
 * `[sigv4.<name>]`: a named SigV4 profile for `authctl sign --profile NAME`. Secrets may be
 * written inline (local dev only), or read from an environment variable or an
 * ~/.aws/credentials profile so the config file can be committed.
 */
export const sigv4Schema = z.strictObject({
  access_key_id: z.string().min(1).optional().describe('access key id (AKIA...)'),
  secret_access_key: z
    .string()
    .min(1)
    .optional()
    .describe('secret access key (prefer secret_access_key_env)'),
  secret_access_key_env: z
    .string()
    .min(1)
    .optional()
    .describe('environment variable holding the secret access key'),
  session_token: z.string().min(1).optional().describe('session token of temporary credentials'),
  session_token_env: z
    .string()
    .min(1)
    .optional()
    .describe('environment variable holding the session token'),
  aws_profile: z
    .string()
    .min(1)
    .optional()
    .describe('read the keys from this profile of ~/.aws/credentials'),
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/i, 'must be a region such as us-east-1')
    .optional(),
  service: z
    .string()
    .regex(/^[a-z0-9-]+$/i, 'must be a service such as s3 or execute-api')
    .optional(),
  endpoint: z
    .string()
    .url()
    .optional()
    .describe('base URL that relative paths are resolved against'),
  unsigned_payload: z.boolean().optional().describe('sign S3 requests with UNSIGNED-PAYLOAD'),
  session_token_after_signing: z
    .boolean()
    .optional()
    .describe('add the session token after signing (AWS IoT)'),
  normalize_path: z
    .boolean()
    .optional()
    .describe('override path normalisation (default: on except for s3)'),
  double_encode_path: z
    .boolean()
    .optional()
    .describe('override path double-encoding (default: on except for s3)'),
});

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const sigv4Section = z
  .record(z.string(), sigv4Schema)
  .optional()
  .describe('named SigV4 credential profiles');

export type SigV4Profile = z.infer<typeof sigv4Schema>;
