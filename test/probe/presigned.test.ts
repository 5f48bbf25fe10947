import { describe, expect, it } from 'vitest';
import { probeHarness } from './fixtures/harness.js';
import { startPresignService, type PresignFlaw } from './fixtures/presign-service.js';
import { startSigV2Service, type SigV2Flaw } from './fixtures/sigv2-service.js';
import {
  startSigV4PresignService,
  type SigV4PresignFlaw,
} from './fixtures/sigv4-presign-service.js';

const h = probeHarness();

const spec = (url: string, credential = 'url_env = "SHARE_URL"') => `base_url = "${url}"

[credentials.share]
type = "presigned"
scheme = "k3"
${credential}

[[endpoints]]
path = "/healthz"
public = true

[[endpoints]]
path = "/files/report.csv"
allow = ["share"]
`;

const bad = (report: { findings: Array<{ severity: string; check: string }> }) =>
  [...new Set(report.findings.filter((f) => f.severity !== 'warning').map((f) => f.check))].sort();

describe('probe presigned-URL tampering (K3 X-K3-Token scheme)', () => {
  it('a service that signs every part refuses every mutation', async () => {
    const s = h.track(await startPresignService());
    const { code, report } = await h.probe(spec(s.url), ['--strict'], {
      SHARE_URL: `${s.url}${s.presign('GET', '/files/report.csv', 'acme')}`,
    });
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const ids = report.cases
      .filter((c) => c.case.startsWith('presign:'))
      .map((c) => c.case)
      .sort();
    expect(ids).toEqual([
      'presign:expires-later',
      'presign:method',
      'presign:param-added',
      'presign:param-removed:X-K3-Expires',
      'presign:param-removed:X-K3-Org',
      'presign:param:X-K3-Expires',
      'presign:param:X-K3-Org',
      'presign:path',
      'presign:signature-recased',
      'presign:signature-truncated',
      'presign:tenant-swapped',
    ]);
  });

  const planted: Array<[PresignFlaw, string[]]> = [
    ['unsigned-expires', ['presign:expires-later']],
    ['prefix-compare', ['presign:signature-truncated']],
    ['case-insensitive', ['presign:signature-recased']],
    ['no-method', ['presign:method']],
    ['unsigned-extra-params', ['presign:param-added']],
    // A changed X-K3-Org names no known org (403 anyway); another real tenant's org gets in.
    ['unsigned-org', ['presign:tenant-swapped']],
    ['no-path', ['presign:path']],
  ];
  for (const [flaw, checks] of planted) {
    it(`flags exactly the planted flaw: ${flaw}`, async () => {
      const s = h.track(await startPresignService([flaw]));
      const { code, report } = await h.probe(spec(s.url), [], {
        SHARE_URL: s.presign('GET', '/files/report.csv', 'acme'),
      });
      expect(code).toBe(1);
      expect(bad(report)).toEqual(checks);
      expect(
        report.findings
          .filter((f) => f.severity === 'critical')
          .every((f) => f.rule === 'probe/accepts-invalid-credential'),
      ).toBe(true);
    });
  }

  it('scheme = "custom" names the parts itself: the same cases, judged right with and without a flaw', async () => {
    const custom = [
      'signature_param = "X-K3-Token"',
      'expires_param = "X-K3-Expires"',
      'tenant_param = "X-K3-Org"',
      'url_env = "SHARE_URL"',
    ].join('\n');
    // scheme = "custom" is the default: the k3 line goes, the parameters are named instead.
    const customSpec = (url: string) => spec(url, custom).replace('scheme = "k3"\n', '');
    const sound = h.track(await startPresignService());
    const ok = await h.probe(customSpec(sound.url), ['--strict'], {
      SHARE_URL: sound.presign('GET', '/files/report.csv', 'acme'),
    });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.report.findings).toEqual([]);
    const cases = ok.report.cases.filter((c) => c.case.startsWith('presign:'));
    expect(cases.map((c) => c.case)).toContain('presign:tenant-swapped');
    expect(cases.map((c) => c.case)).toContain('presign:expires-later');
    expect(cases).toHaveLength(11);
    const flawed = h.track(await startPresignService(['unsigned-org']));
    const caught = await h.probe(customSpec(flawed.url), [], {
      SHARE_URL: flawed.presign('GET', '/files/report.csv', 'acme'),
    });
    expect(caught.code).toBe(1);
    expect(bad(caught.report)).toEqual(['presign:tenant-swapped']);
  });

  it('takes the URL from a command (argv, no shell), and a failing command exits 3 naming it', async () => {
    const s = h.track(await startPresignService());
    const signed = s.presign('GET', '/files/report.csv', 'acme');
    const ok = await h.probe(
      spec(s.url, `command = ["${process.execPath}", "-e", "console.log(process.env.SIGNED)"]`),
      [],
      { SIGNED: signed },
    );
    expect(ok.code).toBe(0);
    expect(ok.report.cases.filter((c) => c.case.startsWith('presign:')).length).toBe(11);
    const failing = await h.probe(
      spec(s.url, `command = ["${process.execPath}", "-e", "process.exit(4)"]`),
    );
    expect(failing.code).toBe(3);
    expect(failing.stdout + failing.stderr).toMatch(/the presign command failed/);
    const none = await h.probe(spec(s.url, 'url_env = "SHARE_URL"'), [], {
      SHARE_URL: '/files/report.csv?nothing=1',
    });
    expect(none.code).toBe(2);
    expect(none.stdout + none.stderr).toMatch(/has no X-K3-Token parameter/);
  });
});

describe('probe presigned-URL tampering (scheme = "sigv2")', () => {
  const sigv2Spec = (url: string) => spec(url).replace('scheme = "k3"', 'scheme = "sigv2"');
  const run = async (flaws: SigV2Flaw[]) => {
    const s = h.track(await startSigV2Service(flaws));
    return h.probe(sigv2Spec(s.url), ['--strict'], { SHARE_URL: s.presign('/files/report.csv') });
  };

  it('a service that signs every part (response-* overrides included) refuses every mutation', async () => {
    const { code, report } = await run([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.cases.filter((c) => c.case.startsWith('presign:'))).toHaveLength(10);
  });

  const planted: Array<[SigV2Flaw, string]> = [
    ['unsigned-expires', 'presign:expires-later'],
    ['case-insensitive', 'presign:signature-recased'],
    ['no-method', 'presign:method'],
    ['unsigned-overrides', 'presign:param-added'],
  ];
  for (const [flaw, check] of planted)
    it(`flags exactly the planted flaw: ${flaw}`, async () => {
      const { code, report } = await run([flaw]);
      expect(code).toBe(1);
      expect(bad(report)).toEqual([check]);
    });
});

describe('probe presigned-URL tampering (scheme = "sigv4")', () => {
  const run = async (flaws: SigV4PresignFlaw[]) => {
    const s = h.track(await startSigV4PresignService(flaws));
    return h.probe(spec(s.url).replace('scheme = "k3"', 'scheme = "sigv4"'), ['--strict'], {
      SHARE_URL: s.presign('/files/report.csv'),
    });
  };

  it('a service that signs every part refuses every mutation (a malformed X-Amz-* parameter with 400, as S3)', async () => {
    const { code, report } = await run([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const cases = report.cases.filter((c) => c.case.startsWith('presign:'));
    expect(cases).toHaveLength(16);
  });

  const planted: Array<[SigV4PresignFlaw, string]> = [
    ['case-insensitive', 'presign:signature-recased'],
    ['no-method', 'presign:method'],
    ['no-path', 'presign:path'],
    ['only-amz-params', 'presign:param-added'],
  ];
  for (const [flaw, check] of planted)
    it(`flags exactly the planted flaw: ${flaw}`, async () => {
      const { code, report } = await run([flaw]);
      expect(code).toBe(1);
      expect(bad(report)).toEqual([check]);
    });
});
