import { describe, expect, it } from 'vitest';
import { redact } from './app-log';

describe('redact', () => {
  it('removes credentials from log lines', () => {
    expect(redact('headers: {"Authorization":"ApiToken d2p_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"}')).not.toMatch(/abcdefghij/);
    expect(redact('Authorization: Basic YWRtaW46ZGlzdHJpY3Q=')).toBe('Authorization: Basic [redacted]');
    expect(redact('{"password":"district","name":"x"}')).toBe('{"password":"[redacted]","name":"x"}');
    expect(redact('token d2pat_5xVA12xyUbWNedQxy4ohH77WlxRGVvZZ1151814092 used')).toBe('token [redacted token] used');
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });
});
