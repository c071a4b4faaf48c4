/**
 * Single HTTP byte ranges (RFC 9110 §14): what part of a file of `size` bytes a Range header
 * asks for. Multiple ranges are not served; the whole file is sent instead, which the RFC allows.
 */
export type RangeRequest =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number } // inclusive
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'whole' }; // unknown units or several ranges: ignore the header
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // bytes=-N: the last N bytes
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'whole' }; // syntactically invalid: ignore it
  return { kind: 'partial', start, end };
}
