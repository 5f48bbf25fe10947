import { z } from 'zod';

/** `[idp]` section of authctl's config. Owned by the idp feature; extend it there. */
export const idpSchema = z.looseObject({});
