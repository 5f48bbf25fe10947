import type { PROBE_VARIANT_NAMES } from './spec-names.js';
import { mergeHeaders } from './headers.js';
import type { ProbeRequest } from './http.js';

/** The same request reached another way: each must still be refused (any non-2xx passes). */
export { PROBE_VARIANT_NAMES as VARIANT_NAMES } from './spec-names.js';
export type VariantName = (typeof PROBE_VARIANT_NAMES)[number];

export interface RequestVariant {
  name: VariantName;
  title: string;
  request: ProbeRequest;
}

function splitPath(path: string): [string, string] {
  const index = path.indexOf('?');
  return index < 0 ? [path, ''] : [path.slice(0, index), path.slice(index)];
}

/** Percent-encodes the first letter of the first segment: `/v1/x` → `/%761/x` (a prefix-matching ACL misses it). */
function percentEncodeFirstLetter(path: string): string | undefined {
  const index = path.search(/[A-Za-z]/);
  if (index < 0) return undefined;
  const hex = path.charCodeAt(index).toString(16).toUpperCase();
  return `${path.slice(0, index)}%${hex}${path.slice(index + 1)}`;
}

export function variantRequests(
  request: ProbeRequest,
  enabled: boolean | readonly string[],
): RequestVariant[] {
  if (enabled === false) return [];
  const want = (name: VariantName) => enabled === true || enabled.includes(name);
  const [path, query] = splitPath(request.path);
  const out: RequestVariant[] = [];
  // HEAD has GET's semantics; for other methods a HEAD may legitimately be allowed.
  if (want('head') && request.method === 'GET')
    out.push({
      name: 'head',
      title: 'sent as HEAD',
      request: { ...request, method: 'HEAD', body: undefined },
    });
  if (want('options'))
    out.push({
      name: 'options',
      title: 'sent as OPTIONS',
      request: { ...request, method: 'OPTIONS', body: undefined },
    });
  if (want('trailing-slash') && path !== '/') {
    const other = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`;
    out.push({
      name: 'trailing-slash',
      title: path.endsWith('/') ? 'without the trailing slash' : 'with a trailing slash',
      request: { ...request, path: `${other}${query}` },
    });
  }
  if (want('upper-case') && path.toUpperCase() !== path)
    out.push({
      name: 'upper-case',
      title: 'with the path in upper case',
      request: { ...request, path: `${path.toUpperCase()}${query}` },
    });
  const encoded = want('percent-encoded') ? percentEncodeFirstLetter(path) : undefined;
  if (encoded)
    out.push({
      name: 'percent-encoded',
      title: `with the path percent-encoded (${encoded})`,
      request: { ...request, path: `${encoded}${query}` },
    });
  if (want('method-override')) {
    const carrier = request.method === 'POST' ? 'GET' : 'POST';
    out.push({
      name: 'method-override',
      title: `sent as ${carrier} with X-HTTP-Method-Override: ${request.method}`,
      request: {
        ...request,
        method: carrier,
        headers: mergeHeaders(request.headers, {
          'X-HTTP-Method-Override': request.method,
          'X-HTTP-Method': request.method,
          'X-Method-Override': request.method,
        }),
      },
    });
  }
  return out;
}
