/** Sends a signed request exactly as signed (path untouched: fetch() would normalise it). */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { environmentError, usageError } from '../errors.js';
import { parseWireUrl } from './url.js';

export interface SendRequestOptions {
  method: string;
  url: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: string | Uint8Array;
  timeoutMs?: number;
}

export interface SendRequestResult {
  status: number;
  statusText: string;
  /** Response headers as received (raw names, in order). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** The headers by name as given (repeats joined with ','), plus Content-Length for a body without one. */
function headerRecord(
  given: SendRequestOptions['headers'],
  body: string | Uint8Array,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of given)
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  if (body.length && !Object.keys(headers).some((n) => n.toLowerCase() === 'content-length'))
    headers['Content-Length'] = String(Buffer.byteLength(body));
  return headers;
}

/** The whole answer, its header names and order as received. */
function readAnswer(res: IncomingMessage): Promise<SendRequestResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const raw = res.rawHeaders;
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: pairs,
        body: Buffer.concat(chunks),
      });
    });
    res.on('error', reject);
  });
}

/**
 * Sends a signed request exactly as signed (path and header bytes untouched) and returns the answer.
 */
export function sendSignedRequest(options: SendRequestOptions): Promise<SendRequestResult> {
  const url = parseWireUrl(options.url);
  if (url.scheme !== 'http' && url.scheme !== 'https') {
    return Promise.reject(
      usageError('ERR_SIGV4_SEND_SCHEME', `{{send}} speaks HTTP only, not ${url.scheme}://`, {
        where: options.url,
        hint: 'print the presigned URL and open it with a websocket client',
      }),
    );
  }
  const body = options.body ?? '';
  const headers = headerRecord(options.headers, body);
  const request = url.scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: `${url.path}${url.query ? `?${url.query}` : ''}`,
        headers,
        setHost: !Object.keys(headers).some((n) => n.toLowerCase() === 'host'),
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => readAnswer(res).then(resolve, reject),
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no response within ${(options.timeoutMs ?? 30_000) / 1000} s`)),
    );
    req.on('error', (error) =>
      reject(
        environmentError(
          'ERR_SIGV4_SEND_FAILED',
          `request to ${url.host} failed: ${error.message}`,
          {
            where: options.url,
            hint: 'check the URL and that the service is running',
            cause: error,
          },
        ),
      ),
    );
    req.end(body);
  });
}
