/** Line-by-line comparison of canonical requests, and the S3 `SignatureDoesNotMatch` error body. */

export interface CanonicalLineDiff {
  line: number;
  /** What the line is: method, canonical URI, canonical query, header `name`, signed headers, payload hash. */
  label: string;
  ours?: string;
  theirs?: string;
  same: boolean;
}

/** Names each line of a canonical request by its role. */
export function labelCanonicalLines(lines: string[]): string[] {
  const labels: string[] = [];
  const blank = lines.indexOf('', 3);
  lines.forEach((line, i) => {
    if (i === 0) labels.push('method');
    else if (i === 1) labels.push('canonical URI');
    else if (i === 2) labels.push('canonical query');
    else if (blank < 0 || i < blank) labels.push(`header ${line.split(':')[0]}`);
    else if (i === blank) labels.push('end of headers');
    else if (i === blank + 1) labels.push('signed headers');
    else if (i === blank + 2) labels.push('payload hash');
    else labels.push('extra line');
  });
  return labels;
}

/**
 * Aligns header lines by name (so one missing header shows as one difference, not a cascade)
 * and every other line by position.
 */
export function diffCanonicalRequests(ours: string, theirs: string): CanonicalLineDiff[] {
  const a = ours.split('\n');
  const b = theirs.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const section = (lines: string[]) => {
    const blank = lines.indexOf('', 3);
    const end = blank < 0 ? lines.length : blank;
    return {
      head: lines.slice(0, 3),
      headers: lines.slice(3, end),
      tail: blank < 0 ? [] : lines.slice(blank + 1),
    };
  };
  const sa = section(a);
  const sb = section(b);
  const out: CanonicalLineDiff[] = [];
  let line = 1;
  const push = (label: string, x?: string, y?: string) =>
    out.push({ line: line++, label, ours: x, theirs: y, same: x === y });
  ['method', 'canonical URI', 'canonical query'].forEach((label, i) =>
    push(label, sa.head[i], sb.head[i]),
  );
  const name = (l: string) => l.split(':')[0]!;
  const names = [...new Set([...sa.headers.map(name), ...sb.headers.map(name)])].sort();
  for (const n of names)
    push(
      `header ${n}`,
      sa.headers.find((l) => name(l) === n),
      sb.headers.find((l) => name(l) === n),
    );
  push('end of headers', '', blankOr(b, sb));
  ['signed headers', 'payload hash'].forEach((label, i) => push(label, sa.tail[i], sb.tail[i]));
  for (let i = 2; i < Math.max(sa.tail.length, sb.tail.length); i++)
    push('extra line', sa.tail[i], sb.tail[i]);
  return out;
}

function blankOr(lines: string[], s: { headers: string[] }): string | undefined {
  return lines.length > 3 + s.headers.length ? '' : undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!match) return undefined;
  return match[1]!.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, entity: string) => {
    if (entity[0] === '#')
      return String.fromCodePoint(
        entity[1] === 'x' || entity[1] === 'X'
          ? parseInt(entity.slice(2), 16)
          : Number(entity.slice(1)),
      );
    return ENTITIES[entity] ?? all;
  });
}

function fromHexBytes(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const hex = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})+$/i.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('utf8');
}

export interface ServerSigningDetails {
  canonicalRequest?: string;
  stringToSign?: string;
  code?: string;
  accessKeyId?: string;
  signatureProvided?: string;
}

/**
 * What the service says it computed. Accepts S3's XML error body (CanonicalRequest / StringToSign,
 * or their *Bytes hex forms), else plain text: a canonical request, or a string to sign.
 */
export function parseServerDetails(text: string): ServerSigningDetails {
  if (/<Error>|<CanonicalRequest|<StringToSign/.test(text)) {
    return {
      code: xmlText(text, 'Code'),
      canonicalRequest:
        xmlText(text, 'CanonicalRequest') ?? fromHexBytes(xmlText(text, 'CanonicalRequestBytes')),
      stringToSign:
        xmlText(text, 'StringToSign') ?? fromHexBytes(xmlText(text, 'StringToSignBytes')),
      accessKeyId: xmlText(text, 'AWSAccessKeyId'),
      signatureProvided: xmlText(text, 'SignatureProvided'),
    };
  }
  const trimmed = text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  if (/^AWS4-HMAC-SHA256\n/.test(trimmed)) return { stringToSign: trimmed };
  return { canonicalRequest: trimmed };
}
