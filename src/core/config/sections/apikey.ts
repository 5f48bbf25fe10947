import { z } from 'zod';

/** `[apikey]` section of authctl's config. Owned by the apikey feature; extend it there. */
export const apikeySchema = z.looseObject({});
