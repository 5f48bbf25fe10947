// The bare server of the issuer benches (bench/idp.mjs, bench/instructions.mjs), the ceiling for a
// Node server: node:http answering the issuer's own JWKS and discovery bytes, and signing one
// RS256 JWT per POST /token after reading the body (crypto.sign with a callback: on libuv's
// threadpool, as the issuer signs).
export const BARE_SERVER = `
import http from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
const [jwks, discovery] = [process.env.BARE_JWKS, process.env.BARE_DISCOVERY];
const [jwksHeaders, discoveryHeaders] = [JSON.parse(process.env.BARE_JWKS_HEADERS), JSON.parse(process.env.BARE_DISCOVERY_HEADERS)];
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const server = http.createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      const now = Math.floor(Date.now() / 1000);
      const input = b64({ alg: 'RS256', typ: 'JWT' }) + '.' + b64({ sub: 'bench-client', iat: now, exp: now + 3600, jti: randomUUID() });
      sign('sha256', Buffer.from(input), privateKey, (err, sig) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: input + '.' + sig.toString('base64url'), token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    return;
  }
  const isJwks = req.url === '/jwks';
  res.writeHead(200, isJwks ? jwksHeaders : discoveryHeaders);
  res.end(isJwks ? jwks : discovery);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ issuer: 'http://127.0.0.1:' + server.address().port }) + '\\n'));
`;

/**
 * The same response as authctl's: its body and the headers it sets itself (Node adds Date,
 * Connection and Keep-Alive to both). A bare server sending fewer headers would also be measuring the
 * load generator, which parses every header on the same two cores.
 */
export async function sameResponse(url) {
  const response = await fetch(url);
  const body = await response.text();
  const own = ['content-type', 'cache-control', 'etag', 'content-length'];
  const headers = Object.fromEntries(
    own.filter((h) => response.headers.has(h)).map((h) => [h, response.headers.get(h)]),
  );
  return { body, headers: JSON.stringify(headers) };
}

/** The environment BARE_SERVER answers from: the JWKS and discovery of the authctl issuer at `authctlUrl`. */
export async function bareServerEnv(authctlUrl) {
  const jwks = await sameResponse(`${authctlUrl}/jwks`);
  const discovery = await sameResponse(`${authctlUrl}/.well-known/openid-configuration`);
  return {
    BARE_JWKS: jwks.body,
    BARE_JWKS_HEADERS: jwks.headers,
    BARE_DISCOVERY: discovery.body,
    BARE_DISCOVERY_HEADERS: discovery.headers,
  };
}
