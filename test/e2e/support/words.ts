/**
 * The web app's own words in a language, so one journey runs in English and in German: `w(id,
 * values)` formats the message the screen shows (from src/web/i18n/messages, through the same
 * FormatJS engine), `w.money` and `w.date` format as the app does in that language
 * (src/web/i18n/format.ts). A key the app does not have fails the test at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createIntl, createIntlCache } from '@formatjs/intl';
import { formatDate, formatMoney } from '../../../src/web/format';
import type { MessageValues } from '../../../src/web/i18n';
import { REPO_ROOT } from './paths';

export type Lang = 'en' | 'de';

/** The Intl tags the app uses per language (src/web/i18n/format.ts). */
const TAGS: Record<Lang, { date: string; number: string }> = {
  en: { date: 'en-GB', number: 'en' },
  de: { date: 'de-DE', number: 'de-DE' },
};

function messages(lang: Lang): Record<string, string> {
  const dir = path.join(REPO_ROOT, 'src/web/i18n/messages');
  const all: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(`.${lang}.json`)))
    Object.assign(all, JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  return all;
}

export interface Words {
  (id: string, values?: MessageValues): string;
  lang: Lang;
  money(amountMinor: number, currency: string): string;
  date(isoDate: string): string;
  /** The message as a pattern, any value where a simple placeholder stands ("Pay {amount} by card"). */
  pattern(id: string): RegExp;
}

export function wordsFor(lang: Lang): Words {
  const all = messages(lang);
  const intl = createIntl({ locale: lang, messages: all }, createIntlCache());
  const w = ((id: string, values?: MessageValues) => {
    if (!(id in all)) throw new Error(`The web app has no message "${id}" in ${lang}`);
    // Rich-text tags (<b>…</b>) become their text.
    const tags = Object.fromEntries(
      [...(all[id] ?? '').matchAll(/<(\w+)>/g)].map((m) => [
        m[1],
        (chunks: string[]) => chunks.join(''),
      ]),
    );
    const out = intl.formatMessage({ id }, { ...tags, ...values });
    return Array.isArray(out) ? out.join('') : String(out);
  }) as Words;
  w.lang = lang;
  w.pattern = (id) => {
    const raw = all[id];
    if (raw === undefined) throw new Error(`The web app has no message "${id}" in ${lang}`);
    const parts = raw.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(parts.join('.+?'));
  };
  w.money = (amountMinor, currency) => formatMoney(amountMinor, currency, TAGS[lang].number);
  w.date = (isoDate) => formatDate(isoDate, TAGS[lang].date);
  return w;
}
