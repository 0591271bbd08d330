import { describe, expect, it } from 'vitest';
import { FIELD_MESSAGES, mergeSettings, parseBucketKey, RUNSCOPE_DEFAULTS, type RunscopeSettings } from '../../electron/core/settings/schema.js';

const base: RunscopeSettings = { ...RUNSCOPE_DEFAULTS };

describe('Runscope settings', () => {
  it('has Kong defaults', () => {
    // Kong's six, plus Proxyscope's own credential redaction (on).
    expect(RUNSCOPE_DEFAULTS).toEqual({ bucket: '', access_token: '', log_body: false, api_endpoint: 'https://api.runscope.com', timeout: 10000, keepalive: 30, redact_credentials: true });
  });

  it('accepts a full valid update', () => {
    const r = mergeSettings(base, { bucket: 'b1', access_token: 'tok', log_body: true, api_endpoint: 'http://127.0.0.1:9/runscope/', timeout: 5, keepalive: 1000, redact_credentials: false });
    expect(r).toEqual({ ok: true, settings: { bucket: 'b1', access_token: 'tok', log_body: true, api_endpoint: 'http://127.0.0.1:9/runscope/', timeout: 5, keepalive: 1000, redact_credentials: false } });
  });

  const bad: Array<[keyof RunscopeSettings, unknown]> = [
    ['redact_credentials', 'yes'],
    ['timeout', 0],
    ['timeout', -5],
    ['timeout', 1.5],
    ['timeout', '100'],
    ['timeout', null],
    ['keepalive', -1],
    ['keepalive', 'abc'],
    ['api_endpoint', 'not a url'],
    ['api_endpoint', 'javascript:alert(1)'],
    ['api_endpoint', 'ftp://example.com'],
    ['api_endpoint', ''],
    ['api_endpoint', `https://x.example/${'a'.repeat(5000)}`],
    ['log_body', 'yes'],
    ['log_body', 1],
    ['bucket', 42],
    ['bucket', 'b'.repeat(201)],
    ['bucket', 'a\nb'],
    ['access_token', { t: 1 }],
    ['access_token', 'x'.repeat(5000)],
  ];
  it.each(bad)('refuses %s = %j naming the field and keeps the previous value', (field, value) => {
    const current = { ...base, bucket: 'keep', timeout: 777 };
    const r = mergeSettings(current, { [field]: value });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors)).toEqual([field]);
    expect(r.errors[field]).toMatch(new RegExp(`^${field}`));
    expect(current).toEqual({ ...base, bucket: 'keep', timeout: 777 });
  });

  it('uses Kong-like messages', () => {
    const r = mergeSettings(base, { api_endpoint: 'nope', timeout: -1 });
    expect(r).toEqual({ ok: false, errors: { api_endpoint: FIELD_MESSAGES.api_endpoint, timeout: FIELD_MESSAGES.timeout } });
    expect(FIELD_MESSAGES.api_endpoint).toMatch(/^api_endpoint is not a url/);
  });

  it('refuses unknown fields by name', () => {
    const r = mergeSettings(base, { bucket: 'ok', bucket_key: 'x' });
    expect(r).toEqual({ ok: false, errors: { bucket_key: 'bucket_key is not a known setting' } });
  });

  it('keeps the stored token when access_token is null or absent, clears it with an empty string', () => {
    const current = { ...base, access_token: 'secret' };
    expect(mergeSettings(current, { access_token: null })).toMatchObject({ ok: true, settings: { access_token: 'secret' } });
    expect(mergeSettings(current, { bucket: 'x' })).toMatchObject({ ok: true, settings: { access_token: 'secret' } });
    expect(mergeSettings(current, { access_token: '' })).toMatchObject({ ok: true, settings: { access_token: '' } });
  });

  it("checks a message's own bucket as the settings check theirs, and refuses an empty one", () => {
    expect(parseBucketKey(' other ')).toEqual({ ok: true, bucket: 'other' });
    expect(parseBucketKey('b'.repeat(200))).toEqual({ ok: true, bucket: 'b'.repeat(200) });
    expect(parseBucketKey('b'.repeat(201))).toEqual({ ok: false, error: FIELD_MESSAGES.bucket });
    expect(parseBucketKey('a\nb')).toEqual({ ok: false, error: 'bucket must not contain control characters' });
    expect(parseBucketKey(42)).toEqual({ ok: false, error: FIELD_MESSAGES.bucket });
    expect(parseBucketKey('  ')).toEqual({ ok: false, error: 'bucket must not be empty' });
  });
});
