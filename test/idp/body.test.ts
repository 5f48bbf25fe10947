import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, readBody } from '../../src/core/idp/body.js';

/** A request body that arrives as these chunks, as the socket hands them to Node's parser. */
const arriving = (chunks: Buffer[]) => Readable.from(chunks) as unknown as IncomingMessage;

describe('readBody: the issuer reads a request body once, whole', () => {
  it('a body in one chunk is that chunk, not a copy', async () => {
    const chunk = Buffer.from('grant_type=client_credentials&scope=a');
    expect(await readBody(arriving([chunk]))).toBe(chunk);
  });

  it('a body in several chunks is joined in order', async () => {
    const parts = ['grant_type=client_', 'credentials', '&scope=a%20b'].map((s) => Buffer.from(s));
    expect((await readBody(arriving(parts))).toString()).toBe(
      'grant_type=client_credentials&scope=a%20b',
    );
  });

  it('an empty body is empty; one past the bound is a 413', async () => {
    expect((await readBody(arriving([]))).length).toBe(0);
    const big = [Buffer.alloc(MAX_BODY_BYTES), Buffer.from('x')];
    await expect(readBody(arriving(big))).rejects.toMatchObject({ status: 413 });
  });
});
