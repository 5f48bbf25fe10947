import { describe, expect, it } from 'vitest';
import { parse as parseYamlText } from 'yaml';
import { parseYaml } from '../../src/core/verify/locate/yaml.js';
import { parseProperties } from '../../src/core/verify/locate/properties.js';
import { stripJsonComments } from '../../src/core/verify/locate/jsonc.js';
import { locateJson } from '../../src/core/verify/locate/json.js';
import { parseDocument } from '../../src/core/verify/document.js';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { isAuthctlError } from '../../src/core/errors.js';
import { at } from '../helpers/position.js';

describe('YAML locator', () => {
  const text = [
    '# Spring',
    'defaults: &jwt',
    '  issuer-uri: https://idp.example.com/',
    '  jws-algorithms: [RS256, ES256]',
    'spring:',
    '  security:',
    '    oauth2:',
    '      resourceserver:',
    '        jwt:',
    '          <<: *jwt',
    '          audiences:',
    '            - api://orders',
    '            - "api://billing"',
    'copy: *jwt',
    'block: |',
    '  line one',
    '---',
    'second: { inline: 1, nested: { key: v } }',
    '',
  ].join('\n');
  const parsed = parseYaml(text);

  it('gives the same data as the yaml package, per document', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents.map((d) => d.data)).toEqual(
      text.split('---\n').map((t) => parseYamlText(t, { merge: true })),
    );
  });

  it('locates keys and values, block and flow, in every document', () => {
    const [first, second] = parsed.documents;
    const jwt = ['spring', 'security', 'oauth2', 'resourceserver', 'jwt'];
    expect(first!.map.key([...jwt, 'audiences'])).toEqual(at(text, 'audiences'));
    expect(first!.map.value([...jwt, 'audiences', 1])).toEqual(at(text, '"api://billing"'));
    expect(first!.map.value(['block'])).toEqual(at(text, '|'));
    expect(second!.map.key(['second', 'nested', 'key'])).toEqual(at(text, 'key: v'));
    expect(second!.map.value(['second', 'inline'])).toEqual(at(text, '1,'));
  });

  it('locates merged keys at the anchor and an alias where it is used', () => {
    const jwt = ['spring', 'security', 'oauth2', 'resourceserver', 'jwt'];
    expect(parsed.documents[0]!.map.value([...jwt, 'issuer-uri'])).toEqual(at(text, 'https://idp'));
    expect(parsed.documents[0]!.map.value([...jwt, 'jws-algorithms', 1])).toEqual(
      at(text, 'ES256'),
    );
    expect(parsed.documents[0]!.map.value(['copy'])).toEqual(at(text, '*jwt', 1));
    expect(parsed.documents[0]!.map.value(['copy', 'issuer-uri'])).toEqual(at(text, 'https://idp'));
  });

  it('reports a syntax error at its line and column without quoting the input', () => {
    const bad = 'a: 1\nsecret: "wJalrXUtnFEMI\nb: [1, 2\n';
    const result = parseYaml(bad);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]!.line).toBeGreaterThanOrEqual(2);
    for (const e of result.errors) expect(e.message).not.toContain('wJalr');
  });

  it('a duplicate key is a syntax error, not a silent last-wins', () => {
    expect(parseYaml('a: 1\na: 2\n').errors[0]).toMatchObject({ line: 2, column: 1 });
  });
});

describe('JSON with comments (appsettings.json)', () => {
  const text = [
    '{',
    '  // the bearer scheme',
    '  "Authentication": {',
    '    /* block',
    '       comment */ "Schemes": { "Bearer": { "ValidAudiences": ["a", "b",], }, },',
    '    "Url": "https://x//y" // not a comment inside a string',
    '  },',
    '}',
  ].join('\n');

  it('blanks comments and trailing commas keeping every offset', () => {
    const plain = stripJsonComments(text);
    expect(plain.length).toBe(text.length);
    expect(plain.split('\n').length).toBe(text.split('\n').length);
    const data = JSON.parse(plain);
    expect(data.Authentication.Schemes.Bearer.ValidAudiences).toEqual(['a', 'b']);
    expect(data.Authentication.Url).toBe('https://x//y');
    expect(
      locateJson(plain).value(['Authentication', 'Schemes', 'Bearer', 'ValidAudiences', 1]),
    ).toEqual(at(text, '"b"'));
  });

  it('still reports real syntax errors at their position', () => {
    const parsed = parseDocument('appsettings.json', '{\n  // c\n  "a": 1\n  "b": 2\n}', 'jsonc');
    expect(parsed.document).toBeUndefined();
    expect(parsed.findings[0]).toMatchObject({ rule: 'config/syntax-error', line: 4 });
  });
});

describe('Java .properties', () => {
  const text = [
    '# comment',
    '! also a comment',
    'spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com',
    'spring.security.oauth2.resourceserver.jwt.audiences[0] = api://orders',
    'spring.security.oauth2.resourceserver.jwt.audiences[1]: api://billing',
    'long.value = first \\',
    '    second',
    'unicode = caf\\u00e9',
    'spaced value here',
    '',
  ].join('\r\n');
  const parsed = parseProperties(text);

  it('nests dotted keys and [n] indexes like Spring binds them', () => {
    const jwt = (parsed.data.spring as any).security.oauth2.resourceserver.jwt;
    expect(jwt['issuer-uri']).toBe('https://idp.example.com');
    expect(jwt.audiences).toEqual(['api://orders', 'api://billing']);
    expect(parsed.data.long).toEqual({ value: 'first second' });
    expect(parsed.data.unicode).toBe('café');
    expect(parsed.data.spaced).toBe('value here');
  });

  it('locates keys and values (CRLF line ends)', () => {
    const lf = text.replace(/\r\n/g, '\n');
    const path = ['spring', 'security', 'oauth2', 'resourceserver', 'jwt', 'audiences', 1];
    expect(parsed.map.key(path)).toEqual(
      at(lf, 'spring.security.oauth2.resourceserver.jwt.audiences[1]'),
    );
    expect(parsed.map.value(path)).toEqual(at(lf, 'api://billing'));
    expect(parsed.map.value(['spaced'])).toEqual(at(lf, 'value here'));
  });
});

describe('formats by name, never a guess', () => {
  const files: Record<string, string> = {
    '/w/application.yml': 'server:\n  port: 8080\n',
    '/w/service.ini': '[auth]\nenabled=true\n',
    '/w/Dockerfile': 'FROM node\n',
  };
  const readFile = async (f: string) => files[f];

  it('reads application.yml as YAML (it used to be read as .env, with invented syntax errors)', async () => {
    const result = await verifyConfig({
      files: ['application.yml'],
      cwd: '/w',
      readFile,
      profile: 'spring-resource-server',
    });
    expect(result.syntaxError).toBe(false);
    expect(result.findings.filter((f) => f.rule === 'config/syntax-error')).toEqual([]);
  });

  it.each(['service.ini', 'Dockerfile'])(
    '%s: exit-2 error naming the formats it knows',
    async (file) => {
      const error = await verifyConfig({ files: [file], cwd: '/w', readFile }).catch(
        (e: unknown) => e,
      );
      expect(isAuthctlError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('ERR_VERIFY_UNKNOWN_FORMAT');
      expect((error as { kind: string }).kind).toBe('usage');
      expect((error as { hint: string }).hint).toMatch(/toml, json, jsonc, yaml, properties, env/);
    },
  );
});
