import { describe, expect, it } from 'vitest';
import { withCredential } from '../../src/core/probe/cases.js';
import type { ResolvedCredential } from '../../src/core/probe/credentials.js';
import { mergeHeaders } from '../../src/core/probe/headers.js';
import { variantRequests } from '../../src/core/probe/variants.js';

const lowerNames = (headers: Record<string, string>) =>
  Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
const unique = (names: string[]) => [...new Set(names)];

const sigv4 = (presign: boolean): ResolvedCredential => ({
  name: 's3',
  type: 'sigv4',
  headers: {},
  secrets: ['wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'],
  sigv4: {
    accessKeyId: 'AKIDEXAMPLEPROBE0001',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    service: 's3',
    presign,
  },
});
const url = (p: string) => `http://127.0.0.1:8080${p}`;

describe('probe header merging', () => {
  it('later layers replace a header whatever the case of its name, keeping their spelling', () => {
    expect(
      mergeHeaders(
        { 'Content-Type': 'text/plain', 'X-Org-Id': 'a' },
        { 'content-type': 'application/json' },
        { 'x-org-id': 'b' },
      ),
    ).toEqual({ 'content-type': 'application/json', 'x-org-id': 'b' });
  });

  for (const presign of [false, true]) {
    it(`a SigV4-${presign ? 'presigned' : 'signed'} request carries one copy of every header`, async () => {
      const base = {
        method: 'PUT',
        path: '/v1/objects/a.csv',
        headers: {
          'Content-Type': 'text/csv',
          'X-Amz-Date': '20200101T000000Z',
          Authorization: 'stale',
        },
        body: 'a,b',
      };
      const { request } = await withCredential(base, sigv4(presign), { url });
      const names = lowerNames(request.headers);
      expect(names).toEqual(unique(names));
      expect(
        Object.entries(request.headers).find(([n]) => n.toLowerCase() === 'content-type')?.[1],
      ).toBe('text/csv');
      if (presign) expect(names).not.toContain('authorization');
      if (!presign)
        expect(
          Object.entries(request.headers).find(([n]) => n.toLowerCase() === 'authorization')?.[1],
        ).toMatch(/^AWS4-HMAC-SHA256 /);
    });
  }

  it('a credential header replaces the spec header of another case', async () => {
    const cred: ResolvedCredential = {
      name: 'r',
      type: 'headers',
      headers: { 'X-Api-Key': 'k2' },
      secrets: [],
    };
    const { request } = await withCredential(
      { method: 'GET', path: '/', headers: { 'x-api-key': 'k1' } },
      cred,
      { url },
    );
    expect(request.headers).toEqual({ 'X-Api-Key': 'k2' });
  });

  it('the method-override variant does not duplicate a spec header', () => {
    const [variant] = variantRequests(
      { method: 'DELETE', path: '/x', headers: { 'x-http-method-override': 'GET' } },
      ['method-override'],
    );
    const names = lowerNames(variant!.request.headers);
    expect(names).toEqual(unique(names));
    expect(variant!.request.headers['X-HTTP-Method-Override']).toBe('DELETE');
  });
});
