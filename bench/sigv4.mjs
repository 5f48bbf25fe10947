// Signs per second: authctl's signRequest against aws4 and @smithy/signature-v4, same requests, same run.
// Target: >= 1.5x the faster of the two, per round (>= 15 rounds, order reversed every round).
// Usage: npm run build && node bench/sigv4.mjs [scale: 1 = 200 ms slices]
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
// The built package (self-reference through package.json "exports"), as a user would import it.
import { signRequest } from 'authctl';
import { report, ROUNDS, stats } from './lib/ab.mjs';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const date = new Date('2015-08-30T12:36:00Z');
const amzDate = '20150830T123600Z';
const seconds = Number(process.argv[2] ?? 1);

class Sha256 {
  constructor(secret) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.h.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

// Two typical requests: an S3 GET with a query, and a JSON POST to API Gateway.
const CASES = [
  {
    name: 's3 GET',
    service: 's3',
    method: 'GET',
    host: 'examplebucket.s3.amazonaws.com',
    path: '/photos/2024/cat%20picture.jpg',
    query: { versionId: '3HL4kqtJlcpXroDTDmJ', 'response-content-type': 'image/jpeg' },
    headers: { range: 'bytes=0-1023', 'x-amz-meta-owner': 'alice' },
    body: '',
  },
  {
    name: 'api POST',
    service: 'execute-api',
    method: 'POST',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    path: '/prod/orders/42',
    query: {},
    headers: { 'content-type': 'application/json', 'content-length': '23', 'x-tenant': 'acme' },
    body: '{"item":"book","qty":2}',
  },
];
const qs = (q) =>
  Object.entries(q)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

const runners = {
  authctl: (c) => {
    const request = {
      method: c.method,
      url: `https://${c.host}${c.path}${Object.keys(c.query).length ? `?${qs(c.query)}` : ''}`,
      headers: c.headers,
      body: c.body,
    };
    const options = { region: 'eu-west-1', service: c.service, date };
    return () => signRequest(request, credentials, options).authorization;
  },
  aws4: (c) => () => {
    // aws4 mutates its argument: a fresh object per call, as a real caller builds one.
    const opts = {
      host: c.host,
      method: c.method,
      path: `${c.path}${Object.keys(c.query).length ? `?${qs(c.query)}` : ''}`,
      service: c.service,
      region: 'eu-west-1',
      headers: { ...c.headers, 'X-Amz-Date': amzDate },
      body: c.body || undefined,
      extraHeadersToInclude: { range: true },
    };
    return aws4.sign(opts, credentials).headers.Authorization;
  },
  smithy: (c) => {
    const signer = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: c.service,
      sha256: Sha256,
      uriEscapePath: c.service !== 's3',
      applyChecksum: c.service === 's3',
    });
    const request = {
      method: c.method,
      protocol: 'https:',
      hostname: c.host,
      path: c.path,
      query: c.query,
      headers: { host: c.host, ...c.headers },
      body: c.body || undefined,
    };
    return async () => (await signer.sign(request, { signingDate: date })).headers.authorization;
  },
};

// The three must produce the same Authorization, or the comparison means nothing.
for (const c of CASES) {
  const values = await Promise.all(Object.values(runners).map((make) => make(c)()));
  if (new Set(values).size !== 1) {
    console.error(`signatures differ for ${c.name}:\n${values.join('\n')}`);
    process.exit(1);
  }
}

async function measure(fn, ms) {
  let ops = 0;
  const end = performance.now() + ms;
  const isAsync = fn() instanceof Promise;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      if (isAsync) await fn();
      else fn();
    }
    ops += 200;
  }
  return (ops / ms) * 1000;
}

// Short slices, order reversed every round, the ratio taken per round: a busy machine slows all
// three alike within a round, so the median ratio is far steadier than a ratio of separate runs.
const ROUNDS_SIGV4 = Math.max(15, ROUNDS);
const sliceMs = seconds * 200;
console.log(
  `node ${process.version}, ${ROUNDS_SIGV4} rounds of ${sliceMs} ms per library and case, alternating\n`,
);
let worstRatio = Infinity;
for (const c of CASES) {
  const fns = Object.fromEntries(Object.entries(runners).map(([name, make]) => [name, make(c)]));
  for (const fn of Object.values(fns)) await measure(fn, 300); // warm-up
  const ours = [];
  const faster = [];
  for (let r = 0; r < ROUNDS_SIGV4; r++) {
    const order = r % 2 ? Object.keys(fns).reverse() : Object.keys(fns);
    const round = {};
    for (const name of order) round[name] = await measure(fns[name], sliceMs);
    ours.push(round.authctl);
    faster.push(Math.max(round.aws4, round.smithy));
  }
  const result = {
    a: stats(ours),
    b: stats(faster),
    ratio: stats(ours.map((x, i) => x / faster[i])),
  };
  worstRatio = Math.min(worstRatio, result.ratio.median);
  report({
    bench: 'sigv4',
    what: `signatures/s, ${c.name}`,
    aLabel: 'authctl',
    bLabel: 'faster of aws4 and @smithy/signature-v4',
    unit: 'ops/s',
    result,
    target: { min: 1.5 },
  });
}
process.exitCode = worstRatio >= 1.5 ? 0 : 1;
