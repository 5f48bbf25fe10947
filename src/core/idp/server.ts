import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isLoopbackHost } from './http.js';
import path from 'node:path';
import type { AuthctlConfig } from '../config/schema.js';
import { environmentError } from '../errors.js';
import { RequestCapture } from './capture.js';
import { IdpClock } from './clock.js';
import { Faults } from './faults.js';
import { controlTokenFor } from './control-auth.js';
import { createIdpHandler } from './handler.js';
import { IdpKeys } from './keys.js';
import { DEFAULT_IDP_HOST, DEFAULT_IDP_PORT, resolveIdpSettings } from './settings.js';
import { MemoryStore } from './store-memory.js';
import { openSharedStore } from './store-open.js';
import { parseStoreUrl } from './store-url.js';
import type { IdpDeps } from './types.js';

export interface StartIdpServerOptions {
  config: AuthctlConfig;
  /** Keystore directory (shared with `authctl token mint`). */
  home: string;
  port?: number;
  host?: string;
  /** Published URL when reached through Docker or a proxy. */
  issuerUrl?: string;
  layout?: string;
  control?: boolean;
  /** `--cors-origin`: more web origins allowed besides loopback ones and the issuer's. */
  corsOrigins?: string[];
  /** Token the control API requires (AUTHCTL_CONTROL_TOKEN); off loopback one is generated when not given. */
  controlToken?: string;
  rsaBits?: number;
  /** `memory` or `redis://HOST:PORT/DB` (`--store`); else `[idp] store`; else memory. */
  store?: string;
  /** Where `store` came from, for errors (default: `{{store}}` when given here, else `[idp] store`). */
  storeWhere?: string;
  /** Base clock (ms); the issuer's own clock is layered on it. */
  clock?: () => number;
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate (PEM, a chain may follow) and key: see core/idp/tls/. */
  tls?: { cert: string; key: string };
}

export interface IdpServer {
  server: Server;
  deps: IdpDeps;
  /** Where it listens: http(s)://host:port. */
  listenUrl: string;
  port: number;
  host: string;
  /** The root issuer's URL (published). */
  issuer: string;
  /** The control token when this server made it up (to print once); undefined when given or not needed. */
  generatedControlToken?: string;
  close(): Promise<void>;
}

/** Builds the dependencies of an issuer without listening (tests call the handler directly). */
export function createIdpDeps(options: StartIdpServerOptions & { baseUrl: string }): IdpDeps {
  const clock = new IdpClock(options.clock);
  const settings = resolveIdpSettings(options.config, {
    baseUrl: options.baseUrl,
    layout: options.layout,
    control: options.control,
    corsOrigins: options.corsOrigins,
  });
  const rsaBits = options.rsaBits ?? options.config.keys?.rsa_bits;
  const issuerKeys = new Map(
    settings.issuers
      .filter((i) => i.ownKeys)
      .map((i) => [
        i.id,
        new IdpKeys({ dir: path.join(options.home, 'issuers', i.id), clock: clock.now, rsaBits }),
      ]),
  );
  return {
    clock,
    keys: new IdpKeys({ dir: options.home, clock: clock.now, rsaBits }),
    issuerKeys,
    settings,
    store: new MemoryStore({ maxEntries: settings.maxEntries, now: clock.now }),
    // Faults last for wall-clock time ("for 30s"), not issuer time, which tests may freeze.
    faults: new Faults(Date.now),
    capture: new RequestCapture(),
    log: options.log ?? (() => {}),
  };
}

/** `--store`, else `[idp] store`, and where it came from (for errors). */
function storeSetting(options: StartIdpServerOptions): { setting?: string; where: string } {
  const setting = options.store ?? options.config.idp?.store;
  const where = options.storeWhere ?? (options.store !== undefined ? '{{store}}' : '[idp] store');
  return { setting, where };
}

/** Replaces the in-memory store with the shared one `--store` / `[idp] store` names, if any. */
async function useSharedStore(
  deps: IdpDeps,
  options: StartIdpServerOptions,
  baseUrl: string,
): Promise<void> {
  const { setting, where } = storeSetting(options);
  if (setting === undefined) return;
  const shared = await openSharedStore({
    setting,
    where,
    baseUrl,
    now: deps.clock.now,
    replayTtlMs: deps.settings.refreshTtlSeconds * 1000,
    maxEntries: deps.store.maxEntries,
  });
  if (shared) deps.store = shared;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          environmentError('ERR_PORT_IN_USE', `port ${port} on ${host} is already in use`, {
            where: `${host}:${port}`,
            hint: 'stop the other process, pick another {{port}}, or use {{port}} 0 for a free one',
          }),
        );
      } else if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(
          environmentError('ERR_LISTEN', `cannot listen on ${host}:${port}: ${error.code}`, {
            where: '{{host}}/{{port}}',
            hint: 'use a port above 1024 and an address of this machine (default 127.0.0.1)',
          }),
        );
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Starts the mock issuer. Keys are created on first use, so start-up does no key generation. */
export async function startIdpServer(options: StartIdpServerOptions): Promise<IdpServer> {
  const host = options.host ?? options.config.idp?.host ?? DEFAULT_IDP_HOST;
  const requestedPort = options.port ?? options.config.idp?.port ?? DEFAULT_IDP_PORT;
  // A store URL that cannot be one is refused before anything listens.
  const store = storeSetting(options);
  if (store.setting !== undefined) parseStoreUrl(store.setting, store.where);
  let handler: ReturnType<typeof createIdpHandler> | undefined;
  const onRequest: RequestListener = (req, res) => {
    if (handler) void handler(req, res);
    else res.writeHead(503, { 'retry-after': '1' }).end();
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, requestedPort, host);
  const listenUrl = `${options.tls ? 'https' : 'http'}://${urlHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}`;
  const baseUrl = options.issuerUrl ?? options.config.idp?.issuer_url ?? listenUrl;
  let deps: IdpDeps;
  try {
    deps = createIdpDeps({ ...options, baseUrl });
  } catch (error) {
    server.close();
    throw error;
  }
  try {
    await useSharedStore(deps, options, baseUrl);
  } catch (error) {
    server.close();
    throw error;
  }
  deps.settings.loopbackOnly = isLoopbackHost(host);
  const control = controlTokenFor(deps.settings, options.controlToken);
  deps.settings.controlToken = control.token;
  handler = createIdpHandler(deps);
  // First run only: generate the signing key in the background (JWKS and token requests wait for it).
  const alg = deps.settings.issuers[0]!.alg;
  for (const keys of [deps.keys, ...deps.issuerKeys.values()]) {
    keys
      .warm(alg)
      .catch((error: Error) =>
        deps.log(`error: cannot create the signing key in ${keys.keystore.dir}: ${error.message}`),
      );
  }
  return {
    server,
    deps,
    listenUrl,
    port,
    host,
    issuer: deps.settings.issuers[0]!.url,
    generatedControlToken: control.generated ? control.token : undefined,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.store.close();
    },
  };
}
