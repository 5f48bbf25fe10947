import { request, Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { promises as fs } from 'node:fs';
import { usageError } from '../../errors.js';

/**
 * A `fetch` that also trusts one more CA (the local CA of `idp serve --tls`, or `--ca FILE`) for
 * https URLs, besides the system's roots; http URLs go to the global fetch. Node's own fetch takes
 * no CA option without the undici package, so https goes through node:https here. Failures look like
 * fetch's (`TypeError` whose `cause.code` is the errno or the TLS reason), which callers report.
 */
export function fetchTrusting(caPem: string | undefined): typeof fetch {
  if (caPem === undefined) return fetch;
  const agent = new Agent({ ca: [...rootCertificates, caPem] });
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fetch(input, init);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = init?.body ?? undefined;
    if (body !== undefined && typeof body !== 'string')
      throw new TypeError('fetchTrusting sends string bodies only');
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init?.method ?? 'GET', headers, agent, signal: init?.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const empty = status === 204 || status === 304 || init?.method === 'HEAD';
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const v of [value ?? []].flat()) responseHeaders.append(name, v);
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage,
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      req.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
      req.end(body);
    });
  };
}

/**
 * A CA file given by the user: read, and checked to hold a PEM certificate. `name` is how the
 * caller's user gave it (the CLI passes its flag), so core names no flag itself.
 */
export async function readCaFile(file: string, name = 'the CA file'): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw usageError(
      'ERR_TLS_FILE',
      `cannot read ${name} ${file}: ${code === 'ENOENT' ? 'no such file' : code}`,
      {
        where: file,
        hint: `give ${name} the CA certificate \`authctl idp serve --tls\` printed (<home>/tls/ca.pem)`,
      },
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw usageError('ERR_TLS_NOT_PEM', `${name} ${file} is not a PEM certificate`, {
      where: file,
      hint: 'give a file that starts with -----BEGIN CERTIFICATE-----',
    });
  return text;
}
