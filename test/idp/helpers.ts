import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import path from 'node:path';
import { Keystore } from '../../src/core/keys/keystore.js';
import * as client from 'openid-client';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import {
  startIdpServer,
  type IdpServer,
  type StartIdpServerOptions,
} from '../../src/core/idp/server.js';
import { tempDir } from '../helpers/cli.js';

export interface TestIdp {
  url: string;
  server: IdpServer;
  home: string;
  logs: string[];
  close(): Promise<void>;
}

let seed: Promise<string> | undefined;

/** One RSA key per test file, copied into each issuer's fresh keystore (key generation is slow). */
export async function seededHome(): Promise<string> {
  seed ??= (async () => {
    const dir = tempDir('authctl-idp-seed-');
    await new Keystore({ dir }).signingKey('RS256');
    return path.join(dir, 'keys.json');
  })();
  const home = tempDir('authctl-idp-');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  copyFileSync(await seed, path.join(home, 'keys.json'));
  return home;
}

/** An in-process issuer on a free loopback port with its own keystore. */
export async function startTestIdp(
  config: AuthctlConfig = {},
  options: Partial<StartIdpServerOptions> = {},
): Promise<TestIdp> {
  // A given home (a test's own keystore) is the issuer's, and removed on close like a seeded one.
  const home = options.home ?? (await seededHome());
  const logs: string[] = [];
  const server = await startIdpServer({
    config,
    home,
    port: 0,
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    url: server.issuer,
    server,
    home,
    logs,
    close: async () => {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** openid-client configured against the issuer (plain http allowed: it is loopback). */
export function discover(
  url: string,
  clientId: string,
  secret?: string,
  auth?: client.ClientAuth,
): Promise<client.Configuration> {
  return client.discovery(
    new URL(url),
    clientId,
    secret,
    auth ?? (secret ? client.ClientSecretBasic(secret) : client.None()),
    { execute: [client.allowInsecureRequests] },
  );
}

/** The login form's fields (hidden OAuth parameters and pre-filled inputs). */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const match of html.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = match[1]!;
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(attrs)?.[1];
    if (name) fields[name] = unescape(value ?? '');
  }
  return fields;
}

/** GETs the login page for `authorizeUrl`, submits it as a developer would, returns the redirect Location. */
export async function login(
  authorizeUrl: URL | string,
  overrides: Record<string, string> = {},
): Promise<{ location: string; page: string; status: number }> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200)
    return { location: page.headers.get('location') ?? '', page: html, status: page.status };
  const fields = { ...formFields(html), action: 'approve', ...overrides };
  const posted = await fetch(authorizeUrl.toString().split('?')[0]!, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return {
    location: posted.headers.get('location') ?? '',
    page: await posted.text(),
    status: posted.status,
  };
}

/** A token request straight to the endpoint (for negative cases openid-client refuses to send). */
export async function tokenRequest(
  url: string,
  params: Record<string, string>,
  basic?: [string, string],
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic)
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`).toString('base64')}`;
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export async function control(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${new URL(url).origin}/_authctl${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export const REDIRECT = 'http://127.0.0.1:8080/callback';

/** Runs authorization_code + PKCE with openid-client and the HTML form; returns the tokens. */
export async function codeFlow(
  config: client.Configuration,
  options: {
    scope?: string;
    redirectUri?: string;
    form?: Record<string, string>;
    extra?: Record<string, string>;
  } = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirectUri = options.redirectUri ?? REDIRECT;
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...options.extra,
  });
  const { location } = await login(authUrl, options.form);
  const tokens = await client.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, verifier, state, nonce, location, redirectUri };
}

/** Calls the handler with an in-memory request: no port, no socket. */
export async function callHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  const req = Readable.from(body ? [Buffer.from(body)] : []) as unknown as IncomingMessage;
  Object.assign(req, {
    method,
    url,
    headers: body ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers,
  });
  let status = 0;
  let responseHeaders: Record<string, string> = {};
  let text = '';
  const res = {
    writeHead(s: number, h: Record<string, string> = {}) {
      status = s;
      responseHeaders = h;
      return res;
    },
    end(chunk?: string | Buffer) {
      text = chunk ? chunk.toString() : '';
    },
    on() {},
    destroy() {},
  } as unknown as ServerResponse;
  await handler(req, res);
  return { status, headers: responseHeaders, text, json: () => JSON.parse(text) };
}
