import { z } from 'zod';

/** `[probe]` section of authctl's config. Owned by the probe feature; extend it there. */
export const probeSchema = z.looseObject({});
