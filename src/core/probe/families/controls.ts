import { mintCommand } from '../credentials.js';
import type { CaseFamily } from './builder.js';
import { withCredential } from './request.js';

/** `allow:NAME`: every allowed credential gets in (controls, run before and after the rest). */
export const controlsFamily: CaseFamily = {
  name: 'allow',
  async build(b) {
    // Each credential's token signed side by side (libuv's threadpool), added in the spec's order.
    const creds = b.endpoint.allow.map((name) => [name, b.ctx.credentials.get(name)!] as const);
    const requests = await Promise.all(
      creds.map(([, cred]) => withCredential(b.base, cred, b.ctx)),
    );
    creds.forEach(([name, cred], i) => {
      const { request, secrets } = requests[i]!;
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
    });
  },
};
