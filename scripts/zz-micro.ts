import { createIdpHandler } from '../src/core/idp/handler.js';
import { startIdpServer } from '../src/core/idp/server.js';
import { Readable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
const server = await startIdpServer({ config: {}, home: mkdtempSync('/tmp/prof/h-'), port: 0, log: () => {} } as any);
const handler = createIdpHandler(server.deps);
const host = new URL(server.issuer).host;
const path = process.argv[2] ?? '/.well-known/openid-configuration';
const post = process.argv[3] === 'post';
const body = 'grant_type=client_credentials&scope=bench';
const mk = () => {
  const req = Readable.from(post ? [Buffer.from(body)] : []) as any;
  Object.assign(req, { method: post ? 'POST' : 'GET', url: path, headers: { host, 'user-agent': 'x', accept: '*/*', connection: 'keep-alive', ...(post ? { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('bench-client:bench-secret').toString('base64')}` } : {}) } });
  let status = 0;
  const res = { writeHead(s: number) { status = s; return res; }, end() { if (status !== 200) throw new Error(String(status)); }, on() {}, destroy() {} } as any;
  return [req, res];
};
const N = Number(process.env.N ?? 50000);
for (let i = 0; i < 3000; i++) { const [a, b] = mk(); await handler(a, b); }
const t = performance.now();
if (post) { let done = 0; await Promise.all(Array.from({ length: 50 }, async () => { while (done++ < N) { const [a, b] = mk(); await handler(a, b); } })); }
else for (let i = 0; i < N; i++) { const [a, b] = mk(); await handler(a, b); }
const t2 = performance.now();
for (let i = 0; i < N; i++) { mk(); }
const mkCost = (performance.now() - t2) / N * 1000;
console.log(`${path}: ${((t2 - t) / N * 1000 - mkCost).toFixed(2)} µs/req (request objects ${mkCost.toFixed(2)} µs excluded)`);
await server.close();
