import http from 'node:http';
import type https from 'node:https';
import { builtin } from '../node.js';
import { Deadlines } from './deadlines.js';

/** One request exactly as the probe sends it: the path is sent byte for byte (no normalisation). */
export interface ProbeRequest {
  method: string;
  /** Path and query, sent as is (percent-encoding and case preserved). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ProbeResponse {
  /** 0 when no answer came within the timeout. */
  status: number;
  headers: Record<string, string>;
  /** First 64 KiB of the body, as text. */
  body: string;
  ms: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** Retries on connection errors only (never on a status). */
  retries?: number;
  maxSockets?: number;
}

const BODY_LIMIT = 64 * 1024;

/** Connection-level failures worth a retry: the request never got an answer. */
// A timeout is not retried: the service got the request and may be working on it (a finding, not an outage).
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

export class ProbeConnectionError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A keep-alive client bound to one base URL: node:http gives exact control over method and path. */
export class HttpClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly lib: typeof http | typeof https;
  /** The base URL's path without its trailing slashes: every request path goes after it. */
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly deadlines: Deadlines;

  constructor(private readonly options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.deadlines = new Deadlines(this.timeoutMs);
    this.base = new URL(options.baseUrl);
    this.lib = this.base.protocol === 'https:' ? builtin<typeof https>('node:https') : http;
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
    this.prefix = this.base.pathname.replace(/\/+$/, '');
  }

  /** The full URL of a path (for curl commands and messages). */
  url(path: string): string {
    return `${this.base.origin}${this.prefix}${path}`;
  }

  send(request: ProbeRequest): Promise<ProbeResponse> {
    // The first attempt's promise itself, no async frame around it: this runs for every request
    // of a run, and nearly every one is answered the first time.
    return this.once(request).catch((error: unknown) => this.retry(request, error));
  }

  /** Tries again after a connection error (backing off), up to `retries` more times. */
  private async retry(request: ProbeRequest, error: unknown): Promise<ProbeResponse> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= retries || !RETRYABLE.has(code)) {
        throw new ProbeConnectionError(
          `${request.method} ${this.url(request.path)}: ${code || (error as Error).message}`,
          code || 'ERR_CONNECTION',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      try {
        return await this.once(request);
      } catch (next) {
        error = next;
      }
    }
  }

  private once(request: ProbeRequest): Promise<ProbeResponse> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let req: http.ClientRequest | undefined;
      // A deadline for the whole exchange (connect, headers and body): the socket's idle timeout alone
      // never fires on a server that trickles a byte now and then, and a run must never hang.
      const deadline = this.deadlines.add(() => {
        reject(
          Object.assign(new Error(`no complete answer within ${this.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
        req?.destroy();
      });
      const fail = (error: Error) => {
        this.deadlines.cancel(deadline);
        reject(error);
      };
      req = this.lib.request(this.requestOptions(request), (res) =>
        readAnswer(res, started, fail, (answer) => {
          this.deadlines.cancel(deadline);
          resolve(answer);
        }),
      );
      req.on('error', fail);
      req.end(request.body);
    });
  }

  /** node:http's options for one request: the path byte for byte, a body's length and type added. */
  private requestOptions(request: ProbeRequest): http.RequestOptions {
    // Copied only to add to it: node:http reads the headers object and never changes it.
    let headers = request.headers;
    if (request.body !== undefined) {
      headers = { ...headers };
      headers['content-length'] ??= String(Buffer.byteLength(request.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    return {
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port,
      method: request.method,
      path: `${this.prefix}${request.path}`,
      headers,
      agent: this.agent,
    };
  }

  close(): void {
    this.deadlines.clear();
    this.agent.destroy();
  }
}

/** Reads an answer: its status, its headers, and the first BODY_LIMIT bytes of its body. */
function readAnswer(
  res: http.IncomingMessage,
  started: number,
  fail: (error: Error) => void,
  done: (answer: ProbeResponse) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size < BODY_LIMIT) chunks.push(chunk);
    size += chunk.length;
  });
  res.on('end', () => {
    // node:http joins repeated headers into one string, except set-cookie (always a list):
    // only an answer that sets cookies needs a copy (no per-request copy of every header).
    const all = res.headers;
    const cookies = all['set-cookie'];
    const headers = (cookies ? { ...all, 'set-cookie': cookies.join(', ') } : all) as Record<
      string,
      string
    >;
    // Most answers are one chunk: no copy then.
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    done({
      status: res.statusCode ?? 0,
      headers,
      body: (body.length > BODY_LIMIT ? body.subarray(0, BODY_LIMIT) : body).toString('utf8'),
      ms: performance.now() - started,
    });
  });
  res.on('error', fail);
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes. */
export async function waitFor(url: string, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const target = new URL(url);
  const client = new HttpClient({
    baseUrl: target.origin,
    timeoutMs: Math.min(2000, timeoutMs),
    retries: 0,
  });
  try {
    while (Date.now() < deadline) {
      try {
        await client.send({
          method: 'GET',
          path: `${target.pathname}${target.search}`,
          headers: {},
        });
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }
    return false;
  } finally {
    client.close();
  }
}
