import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeLineBreaks, stripBidiControls, textProblem } from '../../src/domain/text-rules';

const controls = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];

describe('text rules', () => {
  test('one-line text refuses every C0, DEL and C1 control character, naming it', () => {
    for (const c of controls) {
      const problem = textProblem(`a${c}b`, 'single-line');
      const hex = c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      expect(problem, `U+${hex}`).toContain(`U+${hex}`);
    }
  });

  test('prose allows tab and line feed only', () => {
    for (const c of controls) {
      const allowed = c === '\t' || c === '\n';
      expect(textProblem(`a${c}b`, 'multi-line') === null, JSON.stringify(c)).toBe(allowed);
    }
  });

  test('ordinary text of any script passes; unpaired surrogates do not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const clean = [...s].filter((c) => !controls.includes(c)).join('');
        expect(textProblem(clean, 'single-line')).toBeNull();
      }),
    );
    expect(textProblem('Łukasz Żółć 😀 שלום', 'single-line')).toBeNull();
    expect(textProblem('a\ud800b', 'single-line')).toMatch(/surrogate/);
    expect(textProblem('a\udc00', 'multi-line')).toMatch(/surrogate/);
  });

  test('bidi overrides and isolates are stripped, other marks kept', () => {
    expect(stripBidiControls('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(stripBidiControls('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069x')).toBe('x');
    // The plain direction marks (LRM, RLM) are not overrides.
    expect(stripBidiControls('a\u200eb\u200f')).toBe('a\u200eb\u200f');
  });

  test('CRLF and CR become LF', () => {
    expect(normalizeLineBreaks('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
  });
});
