import { mintCommand } from '../credentials.js';
import type { CaseFamily } from './builder.js';
import { withCredential } from './request.js';

/** `allow:NAME`: every allowed credential gets in (controls, run before and after the rest). */
export const controlsFamily: CaseFamily = {
  name: 'allow',
  async build(b) {
    for (const name of b.endpoint.allow) {
      const cred = b.ctx.credentials.get(name)!;
      const { request, secrets } = await withCredential(b.base, cred, b.ctx);
      b.add({
        id: `allow:${name}`,
        check: 'control',
        title: `valid credential "${name}" gets in`,
        control: true,
        credential: name,
        outcome: 'success',
        statuses: b.success,
        tokenPresented: true,
        request,
        secrets,
        mintCommand: cred.jwt && cred.type === 'jwt' ? () => mintCommand(cred.jwt!) : undefined,
      });
    }
  },
};
