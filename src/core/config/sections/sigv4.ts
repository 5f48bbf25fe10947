import { z } from 'zod';

/** `[sigv4]` section of authctl's config. Owned by the sigv4 feature; extend it there. */
export const sigv4Schema = z.looseObject({});
