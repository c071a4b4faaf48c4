/**
 * The server's refusals in the person's language (src/web/error-words.ts): English shows the
 * server's own message, German the words for the code, every code the server can send has words
 * in every language, and a wait reads in minutes or seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createIntl } from '@formatjs/intl';
import { describe, expect, it } from 'vitest';
import { errorText, type Translator } from '../../src/web/error-words';

const DIR = path.resolve(import.meta.dirname, '../../src/web/i18n/messages');
const ERRORS = path.resolve(import.meta.dirname, '../../src/domain/errors.ts');

function words(locale: 'en' | 'de'): { locale: string; translate: Translator } {
  const messages = JSON.parse(
    fs.readFileSync(path.join(DIR, `common.${locale}.json`), 'utf8'),
  ) as Record<string, string>;
  const intl = createIntl({ locale, messages });
  return {
    locale,
    translate: (id, values) => (id in messages ? intl.formatMessage({ id }, values) : undefined),
  };
}

/** Every code of the ErrorCode union, read from its source. */
function serverCodes(): string[] {
  const source = fs.readFileSync(ERRORS, 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1] as string);
}

/** Codes no screen can meet: internal, or answered to machines (webhooks, byte ranges). */
const MACHINE_ONLY = new Set(['INTERNAL', 'WEBHOOK_SIGNATURE_INVALID', 'RANGE_NOT_SATISFIABLE']);

describe('error words', () => {
  it('has German words for every refusal a screen can meet', () => {
    const codes = serverCodes().filter((c) => !MACHINE_ONLY.has(c));
    expect(codes.length).toBeGreaterThan(30);
    const de = words('de');
    const missing = codes.filter((c) => de.translate(`common.error.${c}`) === undefined);
    expect(missing).toEqual([]);
  });

  it('shows the server’s message in English and the code’s words in German', () => {
    const server = 'Milestone 3 is not open yet: milestone 2 must be paid first.';
    expect(errorText('MILESTONE_NOT_OPEN', server, undefined, words('en'))).toBe(server);
    expect(errorText('MILESTONE_NOT_OPEN', server, undefined, words('de'))).toBe(
      'Dieser Meilenstein ist noch nicht offen.',
    );
  });

  it('uses its own words for a server fault and a lost connection, in English too', () => {
    expect(errorText('NETWORK', 'Network error', undefined, words('en'))).toBe(
      'Could not reach Milepost. Check your connection and try again.',
    );
    expect(errorText('SERVER_ERROR', 'x', undefined, words('de'))).toMatch(/^Auf dem Server/);
  });

  it('keeps the server’s message for a code without words', () => {
    expect(errorText('HTTP_418', 'Request failed (418)', undefined, words('de'))).toBe(
      'Request failed (418)',
    );
  });

  it('words a wait in seconds or minutes, with plurals', () => {
    const en = words('en');
    const de = words('de');
    expect(errorText('TOO_MANY_ATTEMPTS', 'x', 1, en)).toBe(
      'Too many attempts. Try again in 1 second.',
    );
    expect(errorText('TOO_MANY_ATTEMPTS', 'x', 898, en)).toBe(
      'Too many attempts. Try again in 15 minutes.',
    );
    expect(errorText('TOO_MANY_ATTEMPTS', 'x', 60, de)).toBe(
      'Zu viele Versuche. Versuchen Sie es in 1 Minute erneut.',
    );
    expect(errorText('TOO_MANY_ATTEMPTS', 'x', 30, de)).toBe(
      'Zu viele Versuche. Versuchen Sie es in 30 Sekunden erneut.',
    );
  });
});
