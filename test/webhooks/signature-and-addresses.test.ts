// The pieces customers and the SSRF guard rely on: signatures and forbidden addresses.
import { describe, expect, it } from 'vitest';
import { addressProblem, STRICT_POLICY } from '../../src/webhooks/address-policy.js';
import { verifyWebhookSignature } from '../../src/webhooks/index.js';
import { signatureHeader } from '../../src/webhooks/signature.js';
import { checkWebhookUrl } from '../../src/webhooks/url-guard.js';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ id: 'evt_job_1_1', type: 'job.queued', jobId: 'job_1', seq: 1, data: { object: { id: 'job_1', status: 'queued' } } });

describe('verifyWebhookSignature', () => {
  const t = 1_800_000_000;
  const header = signatureHeader(secret, t, body);

  it('accepts a fresh, untouched delivery', () => {
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ payload: body, header, secret, now: t + 10 })).toEqual({ ok: true, timestamp: t });
  });

  it('refuses a changed body, a wrong secret, a replayed old delivery and a forged timestamp', () => {
    expect(verifyWebhookSignature({ payload: body.replace('"queued"', '"running"'), header, secret, now: t }).ok).toBe(false);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec_other', now: t }).ok).toBe(false);
    expect(verifyWebhookSignature({ payload: body, header, secret, now: t + 301 })).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
    const moved = header.replace(`t=${t}`, `t=${t + 100}`);
    expect(verifyWebhookSignature({ payload: body, header: moved, secret, now: t + 100 }).ok).toBe(false);
    expect(verifyWebhookSignature({ payload: body, header: undefined, secret }).ok).toBe(false);
    expect(verifyWebhookSignature({ payload: body, header: 'v1=abc', secret }).ok).toBe(false);
  });

  it('accepts any matching v1 entry (secret rotation)', () => {
    const both = `${signatureHeader('whsec_old', t, body)},v1=${header.split('v1=')[1]}`;
    expect(verifyWebhookSignature({ payload: body, header: both, secret, now: t }).ok).toBe(true);
    // As the deliverer signs during an overlap: one v1 per secret, either verifies, a third does not.
    const rolled = signatureHeader([secret, 'whsec_old'], t, body);
    expect(rolled.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifyWebhookSignature({ payload: body, header: rolled, secret, now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header: rolled, secret: 'whsec_old', now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header: rolled, secret: ['whsec_gone', 'whsec_old'], now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header: rolled, secret: 'whsec_gone', now: t }).ok).toBe(false);
  });
});

describe('forbidden addresses', () => {
  const refused = [
    '127.0.0.1', '127.255.0.1', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.127.255.254',
    '169.254.169.254', '169.254.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a00:1',
  ];
  const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

  it.each(refused)('refuses %s', (address) => {
    expect(addressProblem(address, STRICT_POLICY)).toMatch(/loopback, private, link-local or metadata/);
  });
  it.each(allowed)('allows %s', (address) => expect(addressProblem(address, STRICT_POLICY)).toBeUndefined());

  it('with the local opt-in, allows loopback and nothing else private', () => {
    const local = { allowHttp: true, allowLoopback: true };
    expect(addressProblem('127.0.0.1', local)).toBeUndefined();
    expect(addressProblem('::1', local)).toBeUndefined();
    for (const a of ['10.0.0.1', '169.254.169.254', 'fd00:ec2::254', '192.168.0.1', '100.64.0.1']) expect(addressProblem(a, local)).toBeDefined();
  });
});

describe('checkWebhookUrl', () => {
  it('checks the addresses a name resolves to, not the name', async () => {
    const res = await checkWebhookUrl('https://localhost/hook', STRICT_POLICY);
    expect(res).toMatchObject({ ok: false, reason: expect.stringContaining('forbidden address') });
  });

  it('sees through the ways an address can be written', async () => {
    for (const url of ['https://2130706433/', 'https://0x7f.0.0.1/', 'https://127.1/', 'https://[::ffff:7f00:1]/', 'https://[0:0:0:0:0:ffff:a9fe:a9fe]/']) {
      expect((await checkWebhookUrl(url, STRICT_POLICY)).ok, url).toBe(false);
    }
  });

  it('wants https outside local mode, and no credentials in the URL', async () => {
    expect(await checkWebhookUrl('http://93.184.216.34/', STRICT_POLICY)).toEqual({ ok: false, reason: 'must use https' });
    expect((await checkWebhookUrl('https://u:p@93.184.216.34/', STRICT_POLICY)).ok).toBe(false);
    expect((await checkWebhookUrl('ftp://93.184.216.34/', { allowHttp: true, allowLoopback: true })).ok).toBe(false);
    expect((await checkWebhookUrl('https://93.184.216.34/hook', STRICT_POLICY)).ok).toBe(true);
  });

  it('refuses a name with one public and one private address, and a name that does not resolve', async () => {
    const mixed = async () => [{ address: '93.184.216.34', family: 4 as const }, { address: '10.0.0.8', family: 4 as const }];
    expect((await checkWebhookUrl('https://hooks.example/', STRICT_POLICY, mixed)).ok).toBe(false);
    expect((await checkWebhookUrl('https://does-not-exist.invalid/', STRICT_POLICY)).ok).toBe(false);
  });
});
