import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { validateXML } from 'xmllint-wasm';
import { ROOT } from '../helpers/cli.js';

const schemas = path.join(ROOT, 'test', 'fixtures', 'schemas');
// Both are CommonJS whose module.exports is the function itself.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

let sarifValidator: (((data: unknown) => boolean) & { errors?: unknown }) | undefined;

/** The official SARIF 2.1.0 schema (OASIS, draft-04), checked by ajv: the errors, or [] when valid. */
export function sarifErrors(text: string): unknown[] {
  if (!sarifValidator) {
    const schema = JSON.parse(readFileSync(path.join(schemas, 'sarif-schema-2.1.0.json'), 'utf8'));
    // strict off: the schema has annotations ajv's strict mode rejects; formats (uri, date-time) are checked.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    sarifValidator = ajv.compile(schema);
  }
  const validate = sarifValidator;
  if (validate(JSON.parse(text))) return [];
  return (validate as { errors?: unknown[] | null }).errors ?? [];
}

/** Jenkins' JUnit XSD, checked by libxml2 (xmllint compiled to wasm): the errors, or [] when valid. */
export async function junitErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [readFileSync(path.join(schemas, 'jenkins-junit.xsd'), 'utf8')],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
