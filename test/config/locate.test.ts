import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { locateToml } from '../../src/core/verify/locate/toml.js';
import { locateJson } from '../../src/core/verify/locate/json.js';
import { parseEnv } from '../../src/core/verify/locate/env.js';
import { locate } from '../../src/core/verify/locate/offsets.js';
import { at } from '../helpers/position.js';

describe('locateToml', () => {
  const text = [
    '# top',
    'title = "x"',
    '[auth]',
    'enabled = true',
    'algorithms = ["RS256", "HS256"] # comment',
    '"quoted key" = 1',
    "nested.deep.key = 'lit'",
    '',
    '[swagger.oauth2]',
    'scopes = [',
    '  "openid",',
    '  # comment inside array',
    '  "datasets:read",',
    ']',
    'inline = { a = 1, b = { c = "d" } }',
    'multi = """',
    'line ] [ " not the end',
    '"""',
    'after = 2',
    '[[endpoints]]',
    'path = "/a"',
    '[[endpoints]]',
    'path = "/b"',
    '[endpoints.headers]',
    'x = "y"',
    '[[endpoints.cases]]',
    'name = "c"',
  ].join('\n');

  it('is valid TOML (the locator runs after smol-toml)', () => {
    expect(() => parse(text)).not.toThrow();
  });

  const map = locateToml(text);

  it('locates top-level, table and quoted keys', () => {
    expect(map.key(['title'])).toEqual(at(text, 'title'));
    expect(map.key(['auth'])).toEqual(at(text, 'auth]'));
    expect(map.key(['auth', 'enabled'])).toEqual(at(text, 'enabled'));
    expect(map.value(['auth', 'enabled'])).toEqual(at(text, 'true'));
    expect(map.key(['auth', 'quoted key'])).toEqual(at(text, '"quoted key"'));
  });

  it('locates array elements, dotted keys and inline tables', () => {
    expect(map.value(['auth', 'algorithms', 1])).toEqual(at(text, '"HS256"'));
    expect(map.key(['auth', 'nested', 'deep', 'key'])).toEqual(at(text, 'key ='));
    expect(map.value(['auth', 'nested', 'deep', 'key'])).toEqual(at(text, "'lit'"));
    expect(map.value(['swagger', 'oauth2', 'scopes', 1])).toEqual(at(text, '"datasets:read"'));
    expect(map.key(['swagger', 'oauth2', 'inline', 'b', 'c'])).toEqual(at(text, 'c ='));
    expect(map.value(['swagger', 'oauth2', 'inline', 'b', 'c'])).toEqual(at(text, '"d"'));
  });

  it('skips multi-line strings and counts [[array]] tables', () => {
    expect(map.key(['swagger', 'oauth2', 'after'])).toEqual(at(text, 'after'));
    expect(map.key(['endpoints', 0, 'path'])).toEqual(at(text, 'path', 0));
    expect(map.key(['endpoints', 1, 'path'])).toEqual(at(text, 'path', 1));
    expect(map.key(['endpoints', 1, 'headers', 'x'])).toEqual(at(text, 'x = "y"'));
    expect(map.key(['endpoints', 1, 'cases', 0, 'name'])).toEqual(at(text, 'name'));
  });

  it('falls back to the nearest located ancestor', () => {
    expect(locate(map, ['auth', 'missing'])).toEqual(at(text, 'auth]'));
    expect(locate(map, ['nothing'])).toBeUndefined();
  });

  it('never throws on garbage', () => {
    for (const garbage of ['[', '[[a', 'a = [1, {', '"""', 'a."b', '= = =', '\u0000[]{}'])
      expect(() => locateToml(garbage)).not.toThrow();
  });
});

describe('locateJson', () => {
  const text =
    '{\n  "agent": "graph.react:app",\n  "auth": {\n    "method": "custom",\n    "path": "x"\n  },\n  "list": [1, {"k": "v\\"q"}, [true]]\n}';
  const map = locateJson(text);
  it('locates keys, values and array items', () => {
    expect(map.key(['agent'])).toEqual(at(text, '"agent"'));
    expect(map.value(['agent'])).toEqual(at(text, '"graph.react:app"'));
    expect(map.key(['auth', 'method'])).toEqual(at(text, '"method"'));
    expect(map.value(['auth', 'path'])).toEqual(at(text, '"x"'));
    expect(map.value(['list', 1, 'k'])).toEqual(at(text, '"v'));
    expect(map.value(['list', 2, 0])).toEqual(at(text, 'true'));
  });
  it('never throws on garbage', () => {
    for (const garbage of ['{', '{"a":', '[1,', '"\\', '{"a" 1}', ''])
      expect(() => locateJson(garbage)).not.toThrow();
  });
});

describe('parseEnv', () => {
  const text =
    '# comment\nexport A=1\nB = "two words" # c\nC=\'lit # not comment\'\nD=plain # comment\nE="multi\nline"\n  F=x\n';
  const env = parseEnv(text);
  it('parses dotenv syntax with positions', () => {
    expect(env.vars).toEqual({
      A: '1',
      B: 'two words',
      C: 'lit # not comment',
      D: 'plain',
      E: 'multi\nline',
      F: 'x',
    });
    expect(env.map.key(['A'])).toEqual(at(text, 'A='));
    expect(env.map.value(['B'])).toEqual(at(text, '"two'));
    expect(env.map.key(['F'])).toEqual(at(text, 'F='));
    expect(env.errors).toEqual([]);
  });
  it('reports bad lines and unterminated quotes with positions', () => {
    const bad = parseEnv('OK=1\nnot a pair\nQ="open\n');
    expect(bad.errors).toEqual([
      { line: 2, column: 1, message: expect.stringContaining('KEY=VALUE') },
      { line: 3, column: 3, message: expect.stringContaining('unterminated') },
    ]);
  });
});
