/**
 * The web app's messages (src/web/i18n/messages/<area>.<locale>.json): every language has every
 * English key with the same ICU placeholders, each key belongs to its file's area, and every key
 * the code names literally — `t('area.key')`, `<T id="area.key"` — exists in English.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../src/i18n';
import { argumentsOf, pluralsWithoutOther } from './icu-arguments';

const WEB = path.resolve(import.meta.dirname, '../../src/web');
const DIR = path.join(WEB, 'i18n/messages');

type Messages = Record<string, string>;

function read(file: string): Messages {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Messages;
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
const areas = [...new Set(files.map((f) => f.split('.')[0] as string))].sort();
const english: Messages = Object.assign({}, ...areas.map((a) => read(`${a}.en.json`)));

/** Every literal message id used in the web app's source. */
export function idsUsedIn(source: string): string[] {
  const ids: string[] = [];
  const patterns = [
    /\bt\(\s*['"]([a-z][\w-]*\.[\w.-]+)['"]/g,
    /<T\s+id=["']([a-z][\w-]*\.[\w.-]+)["']/g,
    /formatMessage\(\s*\{\s*id:\s*['"]([a-z][\w-]*\.[\w.-]+)['"]/g,
  ];
  for (const pattern of patterns)
    for (const m of source.matchAll(pattern)) ids.push(m[1] as string);
  return ids;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(tsx?|jsx?)$/.test(entry.name) ? [full] : [];
  });
}

describe('web messages', () => {
  it('has files', () => {
    expect(areas).toContain('common');
  });

  it.each(areas)('area %s exists in every language with the same keys', (area) => {
    const en = read(`${area}.en.json`);
    for (const key of Object.keys(en)) expect(key.startsWith(`${area}.`), key).toBe(true);
    for (const locale of SUPPORTED_LOCALES) {
      const file = `${area}.${locale}.json`;
      expect(files, file).toContain(file);
      const own = read(file);
      expect(Object.keys(own).sort(), file).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(own)) {
        expect(text, `${file} ${key} is empty`).not.toBe('');
        const parsed = parse(text);
        expect([...argumentsOf(parsed)].sort(), `${file} ${key}`).toEqual(
          [...argumentsOf(parse(en[key] as string))].sort(),
        );
        expect(pluralsWithoutOther(parsed), `${file} ${key}`).toEqual([]);
      }
    }
  });

  it('every message id the web app names exists in English', () => {
    const missing: string[] = [];
    for (const file of sources(WEB)) {
      for (const id of idsUsedIn(fs.readFileSync(file, 'utf8'))) {
        if (!(id in english)) missing.push(`${path.relative(WEB, file)}: ${id}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the id scanner sees every form the code uses', () => {
    const found = idsUsedIn(
      `t('a.b'); t("c.d", { n }); <T id="e.f" values={{}} />; intl.formatMessage({ id: 'g.h' })`,
    );
    expect(found.sort()).toEqual(['a.b', 'c.d', 'e.f', 'g.h']);
    expect(idsUsedIn(`t('common.nope')`).filter((id) => !(id in english))).toEqual(['common.nope']);
  });
});
