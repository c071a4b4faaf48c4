/**
 * The words for the server's refusals in the person's language. The server answers every refusal
 * with a stable code and an English message; in English the app shows that message (it names the
 * particular problem), in any other language the words for its code (common.error.<CODE>), so a
 * German client never reads English. The i18n provider registers its translator here whenever the
 * language or the words change (ErrorWordsBridge), so api.ts, which creates the errors outside
 * React, can word them.
 */

/** Formats a message id with values; undefined when the id has no words. */
export type Translator = (id: string, values?: Record<string, number>) => string | undefined;

interface Words {
  locale: string;
  translate: Translator;
}

let current: Words | null = null;

export function setErrorWords(locale: string, translate: Translator): void {
  current = { locale, translate };
}

/** Codes whose words are the app's own in every language (the server's text is not shown). */
const OWN_WORDS = new Set(['SERVER_ERROR', 'NETWORK']);

/**
 * The text to show for a refusal: `serverMessage` in English unless the code is one the app words
 * itself, else the words for `code`, else (a code without words) the server's message. A wait
 * (TOO_MANY_ATTEMPTS with Retry-After) reads in seconds or minutes.
 */
export function errorText(
  code: string,
  serverMessage: string,
  retryAfterSeconds?: number,
  words: Words | null = current,
): string {
  const english = words === null || words.locale === 'en';
  if (code === 'TOO_MANY_ATTEMPTS' && retryAfterSeconds !== undefined) {
    const text =
      retryAfterSeconds < 60
        ? words?.translate('common.error.wait', { seconds: retryAfterSeconds })
        : words?.translate('common.error.waitMinutes', {
            minutes: Math.ceil(retryAfterSeconds / 60),
          });
    if (text !== undefined) return text;
    return serverMessage;
  }
  if (english && !OWN_WORDS.has(code)) return serverMessage;
  return words?.translate(`common.error.${code}`) ?? serverMessage;
}
