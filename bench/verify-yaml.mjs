// bench/verify-yaml: `verify-config` on a 1 MB YAML file (an Envoy config with many jwt_authn
// providers and rules: the `**` section patterns are the expensive case) and a 1 MB JSON file (an
// appsettings.json with many schemes), each against parsing alone with the same library in the same
// run (yaml's parseAllDocuments + toJS; JSON.parse). A/B alternate, >= 7 rounds (bench/lib/ab.mjs);
// the ratio is what verify-config costs on top of the parse it cannot avoid (#17 target <= 2x).
//
//   npm run build && node bench/verify-yaml.mjs [--rounds 7]
import { parseAllDocuments } from 'yaml';
import { verifyText } from '../dist/lib/index.js';
import { alternate, report, ROUNDS } from './lib/ab.mjs';

const ROUNDS_VERIFY =
  Number(process.argv[process.argv.indexOf('--rounds') + 1]) || Math.max(7, ROUNDS);
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

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function compare(label, file, text, profile, parseOnly) {
  const verify = async () => {
    const result = await verifyText({ file, text, profile, target: 'production' });
    if (result.findings.some((f) => f.rule === 'config/syntax-error'))
      throw new Error(`${label}: syntax error`);
    return result;
  };
  const result = await alternate(
    { run: () => time(verify) },
    { run: () => time(parseOnly) },
    { rounds: ROUNDS_VERIFY },
  );
  report({
    bench: 'verify-config',
    what: `${label}, ${(text.length / 1024 / 1024).toFixed(2)} MB (${profile})`,
    aLabel: 'verifyText',
    bLabel: 'parse alone',
    unit: 'ms',
    result,
    target: { max: 2 },
  });
}

const yamlText = envoyYaml();
const jsonText = appsettingsJson();
await compare('YAML', 'envoy.yaml', yamlText, 'envoy-jwt-authn', () =>
  parseAllDocuments(yamlText, { merge: true }).map((d) => d.toJS()),
);
await compare('JSON', 'appsettings.json', jsonText, 'aspnet-jwt-bearer', () =>
  JSON.parse(jsonText),
);
