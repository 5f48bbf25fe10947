// One call in a fresh process, timed alone: what `authctl verify-config` pays on a 1 MB file, whose
// code runs once, cold (interpreted until V8 tiers it up), not warmed up by earlier rounds.
// Usage: node bench/lib/once.mjs verify|parse FILE PROFILE   (prints the call's ms)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { verifyText } from '../../dist/lib/index.js';

const [what, file, profile] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const yaml = file.endsWith('.yaml');
const call =
  what === 'verify'
    ? () =>
        verifyText({
          file: path.basename(file),
          text,
          profile,
          target: 'production',
          online: false,
        })
    : yaml
      ? () => parseAllDocuments(text, { merge: true }).map((d) => d.toJS())
      : () => JSON.parse(text);
const start = process.hrtime.bigint();
const result = await call();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (what === 'verify' && result.findings.some((f) => f.rule === 'config/syntax-error'))
  throw new Error(`${file}: syntax error`);
process.stdout.write(`${ms}\n`);
