// Where a resubscribing socket resumes (src/domain/stream-resume.ts): after its `since` as always,
// unless it sent the tag of its entry `since` and the server's entry of that number is missing or
// another one — a stream that lost its last entries in a power cut and reused their numbers —
// then from the head, with `resync`. Without a tag, nothing changes for older clients.
import { describe, expect, test } from 'vitest';
import { resumePoint } from '../../src/domain/stream-resume';

describe('resumePoint', () => {
  test('without a tag: after min(since, head), never a resync', () => {
    for (const stored of [undefined, { tag: null }, { tag: 'x' }]) {
      expect(resumePoint({ since: 3, tag: undefined, head: 5, stored })).toEqual({
        from: 3,
        resync: false,
      });
      expect(resumePoint({ since: 9, tag: undefined, head: 5, stored })).toEqual({
        from: 5,
        resync: false,
      });
    }
    expect(resumePoint({ since: 0, tag: undefined, head: 0, stored: undefined })).toEqual({
      from: 0,
      resync: false,
    });
  });

  test('the tag of the entry the server holds under since: after since', () => {
    expect(resumePoint({ since: 3, tag: 'abc', head: 5, stored: { tag: 'abc' } })).toEqual({
      from: 3,
      resync: false,
    });
    expect(resumePoint({ since: 5, tag: 'abc', head: 5, stored: { tag: 'abc' } })).toEqual({
      from: 5,
      resync: false,
    });
  });

  test('another entry under since, an untagged one, or none: resync from the head', () => {
    for (const stored of [{ tag: 'new' }, { tag: null }, undefined]) {
      expect(resumePoint({ since: 3, tag: 'old', head: 5, stored })).toEqual({
        from: 5,
        resync: true,
      });
    }
  });

  test('since past the head with a tag: the server lost entries the client holds', () => {
    expect(resumePoint({ since: 8, tag: 'old', head: 5, stored: undefined })).toEqual({
      from: 5,
      resync: true,
    });
    expect(resumePoint({ since: 8, tag: 'old', head: 0, stored: undefined })).toEqual({
      from: 0,
      resync: true,
    });
  });

  test('a tag with since 0 names no entry: nothing to check', () => {
    expect(resumePoint({ since: 0, tag: 'abc', head: 5, stored: undefined })).toEqual({
      from: 0,
      resync: false,
    });
  });
});
