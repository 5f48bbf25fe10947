// The baseline of bench/probe.mjs: a minimal Node client process that sends a recorded list of
// requests (method, path, headers; JSON file) at the given concurrency with keep-alive, as the
// probe does, and exits. Usage: node bench/lib/replay.cjs BASE_URL FILE CONCURRENCY
// CommonJS, as the CLI is: neither side starts Node's ES module loader.
const http = require('node:http');
const { readFileSync } = require('node:fs');

const [base, file, concurrency] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, 'utf8'));
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const send = (r) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: r.headers,
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
let next = 0;
Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < requests.length) await send(requests[next++]);
  }),
).then(() => agent.destroy());
