import { describe, expect, it } from 'vitest';
import { CapturedBody } from '../../electron/core/flow/body.js';
import { headerPairs, headerValue, packHeaders, unpackHeaders } from '../../electron/core/flow/headers.js';

describe('CapturedBody', () => {
  it('keeps every chunk in order, up to the cap, and counts the rest', () => {
    const b = new CapturedBody(7);
    for (const part of ['ab', 'cd', 'efgh', 'ij']) b.push(Buffer.from(part));
    expect(b.bytes().toString()).toBe('abcdefg');
    expect([b.kept, b.size, b.truncated]).toEqual([7, 10, true]);
  });

  it('goes on keeping chunks after its bytes were read', () => {
    const b = new CapturedBody(100);
    b.push(Buffer.from('one '));
    expect(b.bytes().toString()).toBe('one ');
    b.push(Buffer.from('two '));
    b.push(Buffer.from('three'));
    expect(b.bytes().toString()).toBe('one two three');
    expect(b.truncated).toBe(false);
  });

  it('copies what it keeps: a reused source buffer does not change it', () => {
    const b = new CapturedBody(100);
    const source = Buffer.from('first');
    b.push(source);
    source.write('XXXXX');
    expect(b.bytes().toString()).toBe('first');
  });

  it('has no bytes before any chunk or with a cap of 0', () => {
    expect(new CapturedBody(10).bytes().length).toBe(0);
    const none = new CapturedBody(0);
    none.push(Buffer.from('abc'));
    expect([none.bytes().length, none.size, none.truncated]).toEqual([0, 3, true]);
  });
});

describe('packed headers', () => {
  const raw = ['Host', 'example.test', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'X-Empty', ''];

  it('unpack gives back the raw list, empty values and an empty list included', () => {
    expect(unpackHeaders(packHeaders(raw))).toEqual(raw);
    expect(unpackHeaders(packHeaders([]))).toEqual([]);
    expect(headerPairs(packHeaders([]))).toEqual([]);
  });

  it('pairs keep order and spelling; a lookup ignores case and takes the first', () => {
    const packed = packHeaders(raw);
    expect(headerPairs(packed)).toEqual([['Host', 'example.test'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['X-Empty', '']]);
    expect(headerValue(packed, 'SET-COOKIE')).toBe('a=1');
    expect(headerValue(packed, 'x-empty')).toBe('');
    expect(headerValue(packed, 'missing')).toBeUndefined();
  });
});
