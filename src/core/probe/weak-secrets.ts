import { promises as fs } from 'node:fs';
import { usageError } from '../errors.js';

/**
 * HMAC secrets that are public knowledge: placeholders from documentation and .env examples,
 * framework and tutorial defaults, and the common words people type. A service whose HS256/384/512
 * key is one of these accepts tokens anyone can mint. Printing one in a finding is fine: they are
 * public values, never the service's real secret (that one is masked like every other secret).
 *
 * Each group names where its entries come from. Bundled as a module (not a .txt beside the code) so
 * it ships inside the one-file bundle; `--secrets-file` / `--wordlist` files use the text format of
 * parseSecretList (one per line, # comments).
 */
export const WEAK_SECRET_GROUPS: ReadonlyArray<{ source: string; secrets: readonly string[] }> = [
  { source: 'agentflow docs (seed 003: JWT_SECRET_KEY=replace-with-long-random-secret)', secrets: ['replace-with-long-random-secret', 'replace-with-a-long-random-secret', 'replace_with_long_random_secret'] },
  { source: 'jwt.io debugger default', secrets: ['your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret'] },
  { source: 'jsonwebtoken (node) README', secrets: ['shhhhh', 'shhhhhhared-secret', 'shhhh', 'shh'] },
  { source: 'express-session / Express docs', secrets: ['keyboard cat', 'keyboardcat', 'keyboard-cat'] },
  { source: 'FastAPI OAuth2/JWT tutorial', secrets: ['09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7'] },
  { source: 'full-stack-fastapi-template .env', secrets: ['changethis', 'change-this', 'change_this'] },
  { source: 'Flask tutorial (SECRET_KEY="dev")', secrets: ['dev', 'development', 'dev-key', 'devkey', 'dev_secret', 'dev-secret', 'devsecret'] },
  { source: 'Strapi .env.example', secrets: ['tobemodified', 'toBeModified', 'toBeModified1', 'toBeModified2'] },
  { source: 'PostgREST tutorial', secrets: ['reallyreallyreallyreallyverysafe'] },
  { source: 'Supabase CLI local development', secrets: ['super-secret-jwt-token-with-at-least-32-characters-long'] },
  { source: 'Spring Boot JWT tutorials', secrets: ['javainuse', 'SecretKeyToGenJWTs', 'bezKoderSecretKey', 'mySecretKey', 'my-secret-key', 'jwtSecretKey', 'secretkey123', 'mySecret'] },
  { source: 'Spring Boot JWT tutorials (hex key)', secrets: ['404E635266556A586E3272357538782F413F4428472B4B6250645367566B5970', '5367566B59703373367639792F423F4528482B4D6251655468576D5A71347437'] },
  { source: 'Auth0 / Okta quick-start placeholders', secrets: ['YOUR_CLIENT_SECRET', 'YOUR_SECRET', 'YOUR_API_SECRET', 'your_client_secret', 'your-client-secret', '{yourClientSecret}'] },
  {
    source: '.env.example placeholders',
    secrets: [
      'changeme', 'change-me', 'change_me', 'CHANGEME', 'CHANGE_ME', 'ChangeMe', 'changeit', 'change-it', 'please-change-me', 'pleasechangeme', 'please_change_me',
      'replace-me', 'replace_me', 'REPLACE_ME', 'replaceme', 'replace-this', 'replace_this', 'replace-with-your-secret', 'replace-with-secret', 'replace-with-random-secret',
      'your-secret', 'your_secret', 'yoursecret', 'your-secret-key', 'your_secret_key', 'yoursecretkey', 'YOUR_SECRET_KEY', 'your-secret-here', 'your_secret_here',
      'your-jwt-secret', 'your_jwt_secret', 'yourjwtsecret', 'YOUR_JWT_SECRET', 'your-jwt-secret-key', 'your_jwt_secret_key', 'your-super-secret-key', 'your-very-secret-key',
      'put-your-secret-here', 'insert-secret-here', 'enter-secret-here', 'secret-goes-here', 'todo', 'TODO', 'fixme', 'FIXME', 'xxx', 'xxxx', 'xxxxxxxx', 'XXXXXXXX',
      'placeholder', 'PLACEHOLDER', '<secret>', '<your-secret>', '${JWT_SECRET}', '$JWT_SECRET', 'JWT_SECRET', 'JWT_SECRET_KEY', 'SECRET_KEY', 'jwt_secret_key',
      'generate-a-long-random-string', 'a-long-random-string', 'long-random-string', 'random-string', 'randomstring', 'random_secret', 'random-secret', 'some-random-secret',
      'set-a-strong-secret', 'use-a-strong-secret', 'strong-secret', 'very-strong-secret', 'not-so-secret', 'notasecret', 'not-a-secret', 'notsecret', 'nosecret', 'no-secret',
    ],
  },
  {
    source: 'generic secret words',
    secrets: [
      'secret', 'Secret', 'SECRET', 'secret1', 'secret12', 'secret123', 'secret1234', 'Secret123', 'secret!', 'secrets', 'secretkey', 'secret_key', 'secret-key', 'SecretKey', 'SECRETKEY',
      'mysecret', 'my_secret', 'my-secret', 'MySecret', 'mysecretkey', 'my_secret_key', 'MySecretKey', 'mysecretpassword', 'my-super-secret', 'mysupersecret', 'mysupersecretkey',
      'supersecret', 'super-secret', 'super_secret', 'SuperSecret', 'supersecretkey', 'super-secret-key', 'super_secret_key', 'supersecretpassword', 'topsecret', 'top-secret', 'top_secret',
      'verysecret', 'very-secret', 'very_secret', 'verysecretkey', 'ultrasecret', 'secretsecret', 'secret-secret', 'thisisasecret', 'this-is-a-secret', 'thisismysecret', 'thisismysecretkey',
      'ThisIsMySecretKey', 'this-is-my-secret-key', 'thisisthesecret', 'itsasecret', 'its-a-secret', 'sharedsecret', 'shared-secret', 'shared_secret', 'hush', 'hushhush',
      's3cr3t', 's3cret', 'secr3t', 'S3cr3t', 's3cr3tk3y', 'p@ssw0rd', 'P@ssw0rd', 'Passw0rd', 'passw0rd', 'pa$$word', 'letmein', 'welcome', 'welcome1', 'opensesame', 'open-sesame',
    ],
  },
  {
    source: 'generic JWT / key words',
    secrets: [
      'jwt', 'JWT', 'jwtsecret', 'jwt-secret', 'jwt_secret', 'JwtSecret', 'jwtSecret', 'jwt-secret-key', 'jwtkey', 'jwt-key', 'jwt_key', 'jwttoken', 'jwt-token', 'jwtpassword',
      'token', 'tokensecret', 'token-secret', 'token_secret', 'tokenkey', 'token-key', 'accesstoken', 'access-token-secret', 'access_token_secret', 'refresh-token-secret', 'refresh_token_secret',
      'hmac', 'hmacsecret', 'hmac-secret', 'hmac_secret', 'hmackey', 'hmac-key', 'hs256', 'HS256', 'hs256-secret', 'signing-key', 'signing_key', 'signingkey', 'signing-secret', 'signing_secret',
      'key', 'Key', 'KEY', 'mykey', 'my-key', 'secretKey', 'privatekey', 'private-key', 'private_key', 'private', 'publickey', 'public', 'auth', 'authsecret', 'auth-secret', 'auth_secret',
      'authkey', 'auth-key', 'authentication', 'authorization', 'session', 'sessionsecret', 'session-secret', 'session_secret', 'cookie-secret', 'cookie_secret', 'cookiesecret',
      'app', 'appsecret', 'app-secret', 'app_secret', 'APP_SECRET', 'appkey', 'app-key', 'app_key', 'api', 'apisecret', 'api-secret', 'api_secret', 'apikey', 'api-key', 'api_key',
      'server-secret', 'serversecret', 'backend-secret', 'client-secret', 'client_secret', 'clientsecret', 'oauth', 'oauth-secret', 'encryption-key', 'encryptionkey',
    ],
  },
  {
    source: 'common passwords and keyboard walks',
    secrets: [
      'password', 'Password', 'PASSWORD', 'password1', 'password12', 'password123', 'Password1', 'Password123', 'pass', 'passwd', 'pwd',
      '123456', '1234567', '12345678', '123456789', '1234567890', '12345', '1234', '123', '111111', '000000', '0000', '123123', '654321', '666666', '112233', '121212',
      'qwerty', 'qwerty123', 'qwertyuiop', 'asdf', 'asdfgh', 'asdfghjkl', 'zxcvbn', '1q2w3e4r', '1qaz2wsx', 'qazwsx', 'abc123', 'abcdef', 'abcd1234', 'abcdefgh', 'abc', 'aaaaaa',
      'iloveyou', 'monkey', 'dragon', 'sunshine', 'princess', 'football', 'baseball', 'master', 'shadow', 'trustno1', 'superman', 'batman', 'access', 'login', 'hello', 'hello123',
    ],
  },
  {
    source: 'default / environment words',
    secrets: [
      'admin', 'Admin', 'administrator', 'root', 'toor', 'user', 'guest', 'test', 'Test', 'TEST', 'test123', 'testing', 'testsecret', 'test-secret', 'test_secret', 'testkey', 'test-key',
      'default', 'Default', 'defaultsecret', 'default-secret', 'default_secret', 'defaultkey', 'default-key', 'demo', 'demo-secret', 'demosecret', 'example', 'example-secret', 'examplesecret',
      'sample', 'sample-secret', 'local', 'localhost', 'local-secret', 'localsecret', 'staging', 'prod', 'production', 'production-secret', 'qa', 'ci', 'debug', 'insecure', 'unsafe',
      'foo', 'bar', 'baz', 'foobar', 'foo-bar', 'qux', 'changeme123', 'temp', 'tmp', 'temporary', 'null', 'undefined', 'none', 'None', 'nil', 'true', 'false', '0', '1', 'a', 'x',
    ],
  },
  {
    source: 'products and frameworks as secrets',
    secrets: [
      'django', 'flask', 'express', 'nodejs', 'node', 'spring', 'springboot', 'laravel', 'rails', 'fastapi', 'nestjs', 'nextjs', 'strapi', 'keycloak', 'supabase', 'firebase', 'hasura',
      'docker', 'kubernetes', 'github', 'gitlab', 'jenkins', 'api-gateway', 'gateway', 'microservice', 'backend', 'frontend', 'server', 'service', 'relay', 'agentflow', 'datapress', 'k3', 'recsys',
    ],
  },
];

/** The bundled list, de-duplicated, in list order. */
export const WEAK_SECRETS: readonly string[] = [...new Set(WEAK_SECRET_GROUPS.flatMap((g) => g.secrets))];

/** Where a bundled entry comes from (for messages), or undefined for entries from a user file. */
export function weakSecretSource(secret: string): string | undefined {
  return WEAK_SECRET_GROUPS.find((g) => g.secrets.includes(secret))?.source;
}

/** A wordlist file: one secret per line, `#` starts a comment line, blank lines ignored, CRLF accepted. */
export function parseSecretList(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** Upper bound on candidates from a file: the probe sends one request per entry, crack tries each offline. */
export const MAX_WORDLIST_ENTRIES = 1_000_000;

/** Reads a `--secrets-file` / `--wordlist` file (exit 2 naming the flag when unreadable or too large). */
export async function readSecretList(file: string, flag: string, max = MAX_WORDLIST_ENTRIES): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw usageError('ERR_WORDLIST_UNREADABLE', `cannot read ${flag} file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: `${flag} ${file}`, hint: 'pass an existing file with one secret per line' });
  }
  const entries = parseSecretList(text);
  if (entries.length > max) {
    throw usageError('ERR_WORDLIST_TOO_LARGE', `${flag} file has ${entries.length} entries, more than the ${max} allowed`, { where: `${flag} ${file}`, hint: 'split the list, or keep the entries most likely to be used' });
  }
  return entries;
}
