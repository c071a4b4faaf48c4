/**
 * What text Milepost accepts from people: no control characters (a NUL cannot even be stored in
 * PostgreSQL, and the others only hide or garble what is shown), except tab and line breaks in
 * multi-line prose; no unpaired UTF-16 surrogates (they would be stored as U+FFFD, silently
 * changing the text); and no bidirectional override or isolate characters in names and file
 * names, where they disguise what is shown (a right-to-left override makes "invoice[RLO]fdp.exe"
 * read as "invoiceexe.pdf"). The HTTP schemas and the upload metadata both apply these rules, so
 * every string that reaches the database has passed them.
 */

/** The kind of text a field holds: one line (names, titles, references) or prose. */
export type TextKind = 'single-line' | 'multi-line';

// C0 controls, DEL and C1 controls. Tab (U+0009) and line feed (U+000A) are allowed in prose.
// Matching control characters is the point of these two patterns.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_EXCEPT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
/* eslint-enable no-control-regex */

// Without the u flag, so the pattern sees UTF-16 code units.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** LRE, RLE, PDF, LRO, RLO (U+202A–U+202E) and LRI, RLI, FSI, PDI (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/** U+0000 as "U+0000", for messages. */
function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` is not acceptable text of this kind, or null when it is. Multi-line text is
 * expected with its line breaks as "\n" (see `normalizeLineBreaks`).
 */
export function textProblem(value: string, kind: TextKind): string | null {
  const control = (kind === 'multi-line' ? CONTROL_EXCEPT_TAB_AND_NEWLINE : CONTROL).exec(value);
  if (control) {
    return kind === 'multi-line'
      ? `must not contain control characters other than tab and line breaks (found ${codePoint(control[0])})`
      : `must be one line without control characters (found ${codePoint(control[0])})`;
  }
  if (LONE_SURROGATE.test(value))
    return 'must be valid Unicode text (it holds an unpaired surrogate)';
  return null;
}

/** Removes bidirectional override and isolate characters. */
export function stripBidiControls(value: string): string {
  return value.replace(BIDI_CONTROLS, '');
}

/** Windows (CRLF) and old Mac (CR) line breaks become "\n", the one line break Milepost keeps. */
export function normalizeLineBreaks(value: string): string {
  return value.replace(/\r\n?/gu, '\n');
}
