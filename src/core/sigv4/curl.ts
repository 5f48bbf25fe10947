/** Renders a signed request as a curl command line that sends exactly what was signed. */

import { shellQuote } from '../terminal.js';

export { shellQuote };

export type CurlBody =
  { kind: 'none' } | { kind: 'file'; path: string } | { kind: 'text'; text: string };

export interface CurlOptions {
  method: string;
  url: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: CurlBody;
}

/** A curl command line that sends exactly what was signed (method, URL, headers, body). */
export function toCurl(options: CurlOptions): string {
  const args: string[] = ['curl'];
  const method = options.method.toUpperCase();
  const body = options.body ?? { kind: 'none' };
  if (method === 'HEAD') args.push('--head');
  else if (method !== 'GET' || body.kind !== 'none') args.push('-X', method);
  const path = options.url.replace(/^[a-z]+:\/\/[^/?#]*/i, '').replace(/\?.*$/s, '');
  // curl would otherwise remove ./.. segments (and glob []{}), sending a path other than the one signed.
  if (/(^|\/)\.\.?(\/|$)/.test(path)) args.push('--path-as-is');
  if (/[[\]{}]/.test(options.url)) args.push('--globoff');
  for (const [name, value] of options.headers) {
    // curl sets Host from the URL; an explicit one is only needed when it differs.
    if (name.toLowerCase() === 'host' && options.url.includes(`://${value}`)) continue;
    args.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (body.kind === 'file') args.push('--data-binary', shellQuote(`@${body.path}`));
  // --data-raw: a body that starts with '@' is text, not a file name.
  else if (body.kind === 'text') args.push('--data-raw', shellQuote(body.text));
  args.push(shellQuote(options.url));
  return args.join(' ');
}
