import { mintCommand } from '../credentials.js';
import { variantRequests } from '../variants.js';
import type { CaseFamily } from './builder.js';
import { withCredential } from './request.js';

/** `deny:NAME`: every denied credential is refused. */
export const denyFamily: CaseFamily = {
  name: 'deny',
  async build(b) {
    for (const name of b.endpoint.deny) {
      const cred = b.ctx.credentials.get(name)!;
      const { request, secrets } = await withCredential(b.base, cred, b.ctx);
      b.negative({
        id: `deny:${name}`,
        check: 'deny',
        title: `credential "${name}" is refused`,
        credential: name,
        outcome: 'forbidden',
        statuses: b.endpoint.forbiddenStatus,
        tokenPresented: true,
        request,
        secrets,
        mintCommand: cred.jwt && cred.type === 'jwt' ? () => mintCommand(cred.jwt!) : undefined,
      });
    }
  },
};

/**
 * `…/VARIANT`: variants (HEAD, trailing slash, case, …) of the denials and of "no credentials": a router
 * quirk must not open a side door. Runs after the deny family, whose cases it varies.
 */
export const variantsFamily: CaseFamily = {
  name: 'variant',
  async build(b) {
    const denials = b.negatives.filter((c) => c.check === 'deny');
    const noCreds = b.negatives.find((c) => c.id === 'no-credentials');
    for (const target of [...denials, ...(noCreds ? [noCreds] : [])]) {
      for (const variant of variantRequests(target.request, b.endpoint.variants)) {
        const id = `${target.id}/${variant.name}`;
        if (b.excluded(id)) continue;
        const cred = target.credential ? b.ctx.credentials.get(target.credential) : undefined;
        // SigV4 signs the exact method and path: re-sign the variant so only the variant differs.
        const request = cred?.sigv4
          ? (await withCredential(variant.request, cred, b.ctx)).request
          : variant.request;
        b.negative({
          id,
          check: `variant:${variant.name}`,
          title: `${target.title}, ${variant.title}`,
          credential: target.credential,
          outcome: 'non2xx',
          statuses: [],
          tokenPresented: target.tokenPresented,
          request,
          secrets: target.secrets,
          mintCommand: target.mintCommand,
        });
      }
    }
  },
};
