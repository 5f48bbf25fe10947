import path from 'node:path';
import { usageError } from '../core/errors.js';
import { isLoopbackHost } from '../core/idp/http.js';
import { issuerEndpointUrl } from '../core/idp/paths.js';
import { parseStoreUrl } from '../core/idp/store-url.js';
import type { JWTAlgorithm } from '../core/keys/algorithms.js';
import type { IdpServer } from '../core/idp/server.js';
import { batchedLog, type AccessLog } from './access-log.js';
import type { Deps, Io, RenderContext, Result } from './command.js';
import { removeReadyFile, untilStopped, writeReadyFile } from './idp-lifecycle.js';
import { checkTlsFlags, tlsForServe, trustLines, type TlsFlags } from './idp-tls.js';
import { table } from './output.js';

export interface ServeFlags extends TlsFlags {
  port?: string;
  host?: string;
  issuerUrl?: string;
  layout?: string;
  vendor?: string;
  control: boolean;
  log: boolean;
  corsOrigin?: string[];
  readyFile?: string;
  store?: string;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError('ERR_BAD_PORT', `--port expects 0-65535, got "${value}"`, {
      where: '--port',
      hint: 'e.g. --port 9400, or --port 0 for a free port',
    });
  return port;
}

export function parseIssuerUrl(
  value: string | undefined,
  where: string,
  example = `${where} http://host.docker.internal:9400`,
): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw usageError('ERR_BAD_URL', `"${value}" is not an http(s) URL`, {
      where,
      hint: `e.g. ${example}`,
    });
  }
  // An issuer identifier has no query or fragment (RFC 8414 §2, OIDC Discovery §2).
  if (/[?#]/.test(value))
    throw usageError(
      'ERR_BAD_URL',
      `"${value}" has a query or fragment, which an issuer URL cannot have`,
      { where, hint: `e.g. ${example}/tenant-a` },
    );
  return value;
}

/** `--store`, checked before anything listens (a bad URL is exit 2, naming the flag). */
function parseStore(value: string | undefined): string | undefined {
  if (value !== undefined) parseStoreUrl(value, '--store');
  return value;
}

/** `idp serve`'s flags, checked: what parse makes of them before anything is read or bound. */
export interface ServeOptions extends Omit<ServeFlags, 'port'> {
  port?: number;
}

/** The serve verb's parse: the port and the published issuer URL are checked before anything runs. */
export function parseServeOptions(flags: ServeFlags): ServeOptions {
  checkTlsFlags(flags);
  return {
    ...flags,
    port: parsePort(flags.port),
    issuerUrl: parseIssuerUrl(flags.issuerUrl, '--issuer-url'),
    store: parseStore(flags.store),
  };
}

/** Where `[idp] store` came from when no --store was given: AUTHCTL_STORE or the config file. */
const storeSource = (env: IdpEnv) => env.from.get('store') ?? '[idp] store';

type IdpEnv = ReturnType<(typeof import('../core/idp/env.js'))['idpSettingsFromEnv']>;

/** flag > env > config file > default: the env layer overrides [idp]; flags override both later. */
async function serveSettings(deps: Deps) {
  const { config: fileConfig } = await deps.config();
  const { idpSettingsFromEnv } = await import('../core/idp/env.js');
  const env = idpSettingsFromEnv(deps.env);
  return { env, config: { ...fileConfig, idp: { ...fileConfig.idp, ...env.idp } } };
}

/** The access log on stderr, unless --no-log (or AUTHCTL_LOG=0: true is commander's default). */
function accessLog(io: Io<Ready>, deps: Deps, opts: ServeOptions, env: IdpEnv) {
  if (!opts.log || env.flags.log === false || deps.globals.quiet) return undefined;
  // Without colour the line is the style: no palette lookup and call per request.
  const color = io.statusColor;
  const style = color.level > 0 ? (line: string) => color.dim(line) : (line: string) => line;
  return batchedLog(io.stderr, style, io.atExit);
}

/**
 * The serve verb's run: listens, emits the ready line (stdout; --json: one JSON line), then resolves
 * once the issuer has stopped (SIGINT/SIGTERM through `io.stop`, or npm gone: idp-lifecycle.ts).
 */
export async function runServe(
  opts: ServeOptions,
  io: Io<Ready>,
  deps: Deps,
): Promise<Result<undefined>> {
  const { env, config } = await serveSettings(deps);
  const { startIdpServer } = await import('../core/idp/server.js');
  const host = opts.host ?? config.idp?.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    io.warn(
      `binding ${host}: this mock issuer is for DEVELOPMENT ONLY. It hands out tokens to anyone who asks; never expose it to a network you do not control.`,
    );
  }
  const readyFileFlag = opts.readyFile ?? env.flags.readyFile;
  const readyFile = readyFileFlag === undefined ? undefined : path.resolve(deps.cwd, readyFileFlag);
  // A file left by an issuer that was SIGKILLed names a dead port: it goes before we listen.
  if (readyFile) await removeReadyFile(readyFile);
  if (env.flags.keysFile) await importKeysFile(io, deps, env.flags.keysFile, config.idp.alg);
  const tls = await tlsForServe(io, deps, opts, config.idp, host, env.flags);
  const log = accessLog(io, deps, opts, env);
  try {
    const server = await startIdpServer({
      config,
      home: await deps.home(),
      port: opts.port,
      host,
      issuerUrl: opts.issuerUrl,
      layout: opts.layout,
      vendor: opts.vendor,
      control: opts.control === false ? false : undefined,
      corsOrigins: opts.corsOrigin,
      store: opts.store,
      storeWhere: opts.store !== undefined ? '--store' : storeSource(env),
      controlToken: deps.env.AUTHCTL_CONTROL_TOKEN || undefined,
      log: log?.line,
      tls: tls && { cert: tls.cert, key: tls.key },
    });
    await announceAndWait(server, io, deps, { log, readyFile, caCert: tls?.caCertFile });
  } finally {
    // No exit hook or timer outlives the run, whether the issuer stopped or never listened.
    log?.close();
  }
  return { value: undefined };
}

/** Once listening: the control token if one was made up, the ready line (and file); resolves once stopped. */
async function announceAndWait(
  server: IdpServer,
  io: Io<Ready>,
  deps: Deps,
  { log, readyFile, caCert }: { log?: AccessLog; readyFile?: string; caCert?: string },
): Promise<void> {
  if (server.generatedControlToken) {
    // Printed once, on stderr only (never in the --json line, which scripts tend to log).
    io.stderr(
      `control token (the control API is reachable beyond loopback; send it as Authorization: Bearer, or export AUTHCTL_CONTROL_TOKEN for \`authctl idp\` verbs):\n${server.generatedControlToken}\n`,
    );
  }
  // Listening for the stop before the ready line: a script that stops the issuer as soon as it has
  // read the URLs gets a clean shutdown (the signal handlers are in since the run began: declare).
  const stopped = untilStopped(
    io.stop,
    // The access lines of requests answered before the stop come before its message.
    { env: deps.env, info: (message) => (log?.flush(), io.info(message)) },
    () => server.close(),
    readyFile,
  );
  const ready = readyLine(server, caCert);
  // A ready file that cannot be written ends the run: the issuer must not go on listening.
  if (readyFile) await writeReadyFile(readyFile, ready).catch(closing(server));
  io.emit(ready);
  await stopped;
}

/** Closes the server, then rethrows the error that ends the run. */
const closing = (server: IdpServer) => async (error: unknown) => {
  await server.close().catch(() => {});
  throw error;
};

/** What `idp serve` announces once listening (the --json line and the ready file). */
function readyLine(server: IdpServer, caCert: string | undefined): Ready {
  const issuers = server.deps.settings.issuers.map((i) => ({
    id: i.id,
    issuer: i.url,
    // The vendor's paths: an issuer URL with a trailing slash (--issuer-url https://x/) gets no double slash.
    discovery: issuerEndpointUrl(i, 'openidConfiguration')!,
    jwks: issuerEndpointUrl(i, 'jwks')!,
    token: issuerEndpointUrl(i, 'token')!,
    vendor: i.vendor,
    layout: i.layout,
  }));
  const root = issuers[0]!;
  const curl = `curl -s -u my-client:my-secret -d grant_type=client_credentials ${root.token}`;
  return {
    ...root,
    listen: server.listenUrl,
    port: server.port,
    control: server.deps.settings.control ? `${server.listenUrl}/_authctl` : null,
    store: server.deps.store.description,
    issuers,
    curl: caCert ? curl.replace('curl -s', `curl -s --cacert ${caCert}`) : curl,
    ...(caCert ? { caCert } : {}),
  };
}

/**
 * AUTHCTL_KEYS_FILE: a private key (PEM or JWK, as for `authctl keys import`) made the active signing
 * key, so a service container signs with a key its tests already trust. Importing it again on the
 * next start is a no-op.
 */
async function importKeysFile(
  io: Io<Ready>,
  deps: Deps,
  file: string,
  alg: JWTAlgorithm | undefined,
): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { Keystore } = await import('../core/keys/keystore.js');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(
      'ERR_KEYS_FILE',
      `cannot read AUTHCTL_KEYS_FILE ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        where: 'AUTHCTL_KEYS_FILE',
        hint: 'mount the key file and point AUTHCTL_KEYS_FILE at it, or unset it',
      },
    );
  }
  const keystore = new Keystore({ dir: await deps.home() });
  try {
    const record = await keystore.importKey(text, 'AUTHCTL_KEYS_FILE', { alg });
    io.info(`AUTHCTL_KEYS_FILE: signing with imported key ${record.kid} (${record.alg})`);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_KEY_EXISTS') throw error;
  }
}

/** The ready line: the --json line, the ready file, and the text banner. */
export type Ready = {
  issuer: string;
  vendor: string;
  discovery: string;
  jwks: string;
  token: string;
  listen: string;
  port: number;
  control: string | null;
  /** `memory`, or the shared store's URL (password masked). */
  store: string;
  issuers: { id: string; issuer: string; vendor: string; layout: string }[];
  curl: string;
  /** `--tls` with the local CA: the CA certificate file to trust. */
  caCert?: string;
};

/** The human form of the ready line. */
export function renderReady(ready: Ready, rc: RenderContext): string {
  const c = rc.color;
  return [
    `${c.bold('authctl mock OIDC issuer')} ${c.yellow('(development only)')} listening on ${ready.listen}`,
    table(
      [
        [
          'issuer',
          ready.vendor === 'default' ? ready.issuer : `${ready.issuer}  (${ready.vendor})`,
        ],
        ['discovery', ready.discovery],
        ['jwks', ready.jwks],
        ['token', ready.token],
        ...(ready.control
          ? [['control', `${ready.control}  (authctl idp rotate | fault | clock | requests)`]]
          : []),
        ...(ready.store !== 'memory' ? [['store', ready.store]] : []),
      ].map(([k, v]) => [`  ${k}`, v!]),
    ),
    ...(ready.issuers.length > 1
      ? [
          '',
          'More issuers:',
          ...ready.issuers
            .slice(1)
            .map(
              (i) =>
                `  ${i.id.padEnd(12)} ${i.issuer}  (${i.vendor === 'default' ? i.layout : `${i.vendor}, ${i.layout}`})`,
            ),
        ]
      : []),
    ...(ready.caCert ? ['', ...trustLines(ready.caCert, ready.discovery)] : []),
    '',
    'Get a token:',
    `  ${ready.curl}`,
    '',
    'Point the service at it:',
    '  [auth]',
    `  issuer = "${ready.issuer}"`,
    '',
    'Ctrl+C stops it.',
  ].join('\n');
}

export function defaultIssuerUrl(
  ctx: { env: NodeJS.ProcessEnv },
  config: { idp?: { issuer_url?: string; port?: number; tls?: boolean; tls_cert?: string } },
): string {
  const scheme = config.idp?.tls || config.idp?.tls_cert ? 'https' : 'http';
  return (
    ctx.env.AUTHCTL_IDP_URL ??
    config.idp?.issuer_url ??
    `${scheme}://127.0.0.1:${config.idp?.port ?? 9400}`
  );
}
