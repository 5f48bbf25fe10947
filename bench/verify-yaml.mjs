// bench/verify-yaml: `verify-config` on 1 MB YAML and JSON files against parsing alone with the same
// library in the same run (yaml's parseAllDocuments + toJS; JSON.parse), issue #17's "<= 2x the parse".
// Two shapes of each:
//   typical: one auth block in 1 MB of other settings (what a real appsettings.json / envoy.yaml is);
//   dense:   1 MB of nothing but auth blocks (thousands of Envoy providers / ASP.NET schemes), the
//            worst case: every key is checked, every issuer URL parsed.
// A/B alternate (the first side flips every round) over --rounds (default 7, at least 5); median and
// range (min-max) of each side, and the ratio of the medians; each input in a process of its own.
// Positions are computed only for findings, so a clean file pays for none. verifyText runs as
// `authctl verify-config` does without --online (online: false): the issuers' --online checks of
// clean instances are not built.
// Then the same four inputs cold: one call in a fresh process per sample (bench/lib/once.mjs), as
// `authctl verify-config` checks a file once, before V8 has optimised anything.
//
//   npm run build && node bench/verify-yaml.mjs [--rounds 7]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { verifyText } from '../dist/lib/index.js';
import { alternate, report, stats } from './lib/ab.mjs';

const ROUNDS = Math.max(5, Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7);
const TARGET = 1024 * 1024;

function envoyYaml() {
  const head = 'static_resources:\n  listeners:\n';
  const listener = (i) => `  - name: listener_${i}
    address:
      socket_address: { address: 0.0.0.0, port_value: ${10000 + i} }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_${i}
          http_filters:
          - name: envoy.filters.http.jwt_authn
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
              providers:
                provider_${i}:
                  issuer: https://issuer-${i}.example.com
                  audiences: [api-${i}]
                  remote_jwks:
                    http_uri: { uri: "https://issuer-${i}.example.com/jwks.json", cluster: jwks_${i}, timeout: 1s }
                    cache_duration: 300s
                  from_headers: [{ name: Authorization, value_prefix: "Bearer " }]
              rules:
              - match: { prefix: /api/${i} }
                requires: { provider_name: provider_${i} }
          - name: envoy.filters.http.router
`;
  let text = head;
  for (let i = 0; text.length < TARGET; i++) text += listener(i);
  return text;
}

/** One jwt_authn filter, then listeners with plain routes until the file is 1 MB. */
function envoyTypicalYaml() {
  let text = envoyYaml().slice(0, envoyYaml().indexOf('  - name: listener_1\n'));
  for (let i = 1; text.length < TARGET; i++)
    text += `  - name: plain_${i}
    address:
      socket_address: { address: 0.0.0.0, port_value: ${20000 + i} }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: plain_${i}
          route_config:
            virtual_hosts:
            - name: host_${i}
              domains: ["svc-${i}.internal"]
              routes:
              - match: { prefix: / }
                route: { cluster: svc_${i}, timeout: 15s }
          http_filters:
          - name: envoy.filters.http.router
`;
  return text;
}

/** One Bearer scheme next to 1 MB of other settings (feature flags, connection strings, logging). */
function appsettingsTypicalJson() {
  const features = {};
  const doc = () =>
    JSON.stringify(
      {
        Logging: { LogLevel: { Default: 'Information', 'Microsoft.AspNetCore': 'Warning' } },
        Authentication: {
          Schemes: {
            Bearer: {
              Authority: 'https://login.example.com/tenant/v2.0',
              ValidAudiences: ['api://orders'],
              ClockSkew: '00:01:00',
            },
          },
        },
        ConnectionStrings: { Orders: 'Server=db;Database=orders;Integrated Security=true' },
        Features: features,
      },
      null,
      2,
    );
  for (let i = 0; doc().length < TARGET; i += 500)
    for (let j = i; j < i + 500; j++)
      features[`Feature${j}`] = { Enabled: j % 3 === 0, Rollout: j % 100, Owner: `team-${j % 17}` };
  return doc();
}

function appsettingsJson() {
  const doc = (count) => {
    const schemes = {};
    for (let i = 0; i < count; i++) {
      schemes[`Scheme${i}`] = {
        Authority: `https://login.example.com/tenant-${i}/v2.0`,
        ValidAudiences: [`api://svc-${i}`, `api://svc-${i}-b`],
        RequireHttpsMetadata: true,
        ClockSkew: '00:01:00',
        MapInboundClaims: false,
      };
    }
    return JSON.stringify(
      { Logging: { LogLevel: { Default: 'Information' } }, Authentication: { Schemes: schemes } },
      null,
      2,
    );
  };
  const perScheme = doc(100).length / 100;
  return doc(Math.ceil(TARGET / perScheme));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

const range = (values) => `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;

/** ms per call of `fn`, over `reps` calls in a row. */
async function time(fn, reps = 1) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / reps;
}

// A sample is at least this long: a JSON call takes 4-8 ms, and one call per sample let a single
// scavenge or descheduling swing a round's ratio from 0.65x to 4.1x (2026-12-04).
const SAMPLE_MS = 100;
const WARM_MS = 1000;

/**
 * Calls `fn` until WARM_MS have passed (at least 5 calls), so that the rounds time optimised code;
 * returns its mean ms per call over the second half.
 */
async function warmUp(fn) {
  const started = performance.now();
  let half;
  let calls = 0;
  for (; calls < 5 || performance.now() < started + WARM_MS; calls++) {
    if (half === undefined && performance.now() >= started + WARM_MS / 2)
      half = [performance.now(), calls];
    await fn();
  }
  half ??= [started, 0];
  return (performance.now() - half[0]) / Math.max(1, calls - half[1]);
}

async function compare(label, file, text, profile, parseOnly) {
  const verify = async () => {
    const result = await verifyText({ file, text, profile, target: 'production', online: false });
    if (result.findings.some((f) => f.rule === 'config/syntax-error'))
      throw new Error(`${label}: syntax error`);
    return result;
  };
  const first = await verify();
  // Warm: each side called for WARM_MS first. Two calls were all it had, and the first rounds then
  // timed verifyText before V8 had optimised it (JSON.parse is native, warm from the first call):
  // JSON dense's rounds ranged 1.69-2.27x, falling as they went (2026-12-07).
  const perCall = Math.max(await warmUp(verify), await warmUp(parseOnly));
  // As many calls per sample as the slower side needs to last SAMPLE_MS; the same count for both,
  // from the warm-up's mean (one timed call, a scavenge in it, once gave 7 calls for 17).
  const reps = Math.max(1, Math.ceil(SAMPLE_MS / perCall));
  const a = [];
  const b = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so warm-up and GC do not favour one side.
    if (round % 2 === 0) {
      a.push(await time(verify, reps));
      b.push(await time(parseOnly, reps));
    } else {
      b.push(await time(parseOnly, reps));
      a.push(await time(verify, reps));
    }
  }
  const ratios = a.map((v, i) => v / b[i]);
  report({
    bench: 'verify-config',
    what: `${label}, ${(text.length / 1024 / 1024).toFixed(2)} MB (${profile})${reps > 1 ? `, ${reps} calls per sample` : ''}`,
    aLabel: 'verifyText',
    bLabel: 'parse alone',
    unit: 'ms',
    result: { a: stats(a), b: stats(b), ratio: stats(ratios) },
    target: { max: 2 },
  });
  return {
    input: label,
    MB: (text.length / 1024 / 1024).toFixed(2),
    'verify-config ms (median, range)': `${median(a).toFixed(1)} (${range(a)})`,
    'parse only ms (median, range)': `${median(b).toFixed(1)} (${range(b)})`,
    ratio: `${(median(a) / median(b)).toFixed(2)}x`,
    'per-round ratio range': `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`,
    findings: first.findings.length,
  };
}

const yamlParse = (text) => () => parseAllDocuments(text, { merge: true }).map((d) => d.toJS());
const WARM = {
  'YAML typical': () => [envoyTypicalYaml(), 'envoy.yaml', 'envoy-jwt-authn', 'yaml'],
  'YAML dense': () => [envoyYaml(), 'envoy.yaml', 'envoy-jwt-authn', 'yaml'],
  'JSON typical': () => [appsettingsTypicalJson(), 'appsettings.json', 'aspnet-jwt-bearer', 'json'],
  'JSON dense': () => [appsettingsJson(), 'appsettings.json', 'aspnet-jwt-bearer', 'json'],
};

// Each input in a process of its own (this script, `--input LABEL`): checked after the others in
// one process, an input ran on code V8 had optimised for another profile's tables and in a heap
// the earlier inputs had grown, and JSON dense read 1.82x alone but 1.96-2.13x after the YAML rows
// (2026-12-07). The CLI checks one file per process; so does each row here, both sides alike.
const only = process.argv.indexOf('--input');
if (only > 0) {
  const label = process.argv[only + 1];
  const [text, file, profile, kind] = WARM[label]();
  const parse = kind === 'yaml' ? yamlParse(text) : () => JSON.parse(text);
  console.log(`ROW ${JSON.stringify(await compare(label, file, text, profile, parse))}`);
  process.exit(0);
}
const self = fileURLToPath(import.meta.url);
const rows = [];
for (const label of Object.keys(WARM)) {
  const out = execFileSync(process.execPath, [self, '--input', label, '--rounds', String(ROUNDS)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n').filter(Boolean))
    if (line.startsWith('ROW ')) rows.push(JSON.parse(line.slice(4)));
    else console.log(line);
}
console.log(`verify-config vs parse alone, A/B alternated, ${ROUNDS} rounds`);
console.table(rows);

// The same inputs cold: one call in a fresh process each (bench/lib/once.mjs), as the CLI runs its
// checks once per file. The rounds above measure code V8 has optimised; these measure it unwarmed.
const once = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'once.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'authctl-bench-cold-'));
const timedOnce = (what, file, profile) => () =>
  Number(execFileSync(process.execPath, [once, what, file, profile], { encoding: 'utf8' }));
for (const [label, name, text, profile] of [
  ['YAML typical', 'envoy.yaml', envoyTypicalYaml(), 'envoy-jwt-authn'],
  ['YAML dense', 'envoy.yaml', envoyYaml(), 'envoy-jwt-authn'],
  ['JSON typical', 'appsettings.json', appsettingsTypicalJson(), 'aspnet-jwt-bearer'],
  ['JSON dense', 'appsettings.json', appsettingsJson(), 'aspnet-jwt-bearer'],
]) {
  const file = path.join(dir, label.replace(' ', '-'), name);
  mkdirSync(path.dirname(file));
  writeFileSync(file, text);
  const result = await alternate(
    { run: timedOnce('verify', file, profile) },
    { run: timedOnce('parse', file, profile) },
    { rounds: ROUNDS },
  );
  report({
    bench: 'verify-config',
    what: `${label}, ${(text.length / 1024 / 1024).toFixed(2)} MB, cold: one call in a fresh process`,
    aLabel: 'verifyText',
    bLabel: 'parse alone',
    unit: 'ms',
    result,
  });
}
rmSync(dir, { recursive: true, force: true });
