/**
 * The chat's system entries in words (src/web/chat/MessageList.tsx systemText): every kind the
 * server posts (the SystemEvent union in src/actions/chat-stream.ts, read from its source) has
 * its own sentence in English and German, never the generic "Project update."; the revision,
 * approval and replaced-file entries say what happened with their facts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createIntl, createIntlCache } from '@formatjs/intl';
import { describe, expect, it } from 'vitest';
import { systemText } from '../../src/web/chat/MessageList';
import type { ChatMessage } from '../../src/web/chat/chat-api';
import type { Translate } from '../../src/web/i18n';

const ROOT = path.resolve(import.meta.dirname, '../..');

function translate(lang: 'en' | 'de'): Translate {
  const file = path.join(ROOT, `src/web/i18n/messages/chat.${lang}.json`);
  const messages = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const intl = createIntl({ locale: lang, messages, onError: () => undefined }, createIntlCache());
  return (id, values) => {
    if (!(id in messages)) throw new Error(`no message ${id} in ${lang}`);
    return String(intl.formatMessage({ id }, values as Record<string, string | number>));
  };
}

const entry = (event: Record<string, unknown>): ChatMessage =>
  ({ kind: 'system', event }) as unknown as ChatMessage;

/** The `type`s of the SystemEvent union, from the server's source. */
function systemEventTypes(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'src/actions/chat-stream.ts'), 'utf8');
  const start = source.indexOf('export type SystemEvent =');
  const end = source.indexOf(';\n\n', start);
  expect(start).toBeGreaterThan(-1);
  return [...source.slice(start, end).matchAll(/type: '([a-z_.]+)'/g)].map((m) => m[1] as string);
}

describe('chat system entries', () => {
  // The money entries (payments, reminders, change orders) need an amount and a currency.
  const money = { amountMinor: 100_00, totalAfterMinor: 100_00, currency: 'EUR' };
  const samples: Record<string, Record<string, unknown>> = {
    'revision.requested': {
      milestoneId: 'm',
      position: 2,
      title: 'Logo',
      round: 1,
      rounds: 2,
      note: 'Make the blue darker',
    },
    'milestone.approved': { milestoneId: 'm', position: 2, title: 'Logo' },
    'file.superseded': { fileId: 'f', name: 'logo.svg', supersededBy: 'g' },
    'milestone.delivered': { milestoneId: 'm', position: 2, title: 'Logo', round: 1 },
  };

  for (const lang of ['en', 'de'] as const) {
    const t = translate(lang);
    it(`every kind the server posts has its own words (${lang})`, () => {
      const types = systemEventTypes();
      expect(types).toEqual(
        expect.arrayContaining(['revision.requested', 'milestone.approved', 'file.superseded']),
      );
      const generic = t('chat.sys.other');
      for (const type of types)
        expect(systemText(t, entry({ ...money, type, ...samples[type] })), type).not.toBe(generic);
    });
  }

  it('says what the revision, the approval, the replaced file and the delivery after a revision were', () => {
    const en = translate('en');
    const de = translate('de');
    const say = (t: Translate, type: string) => systemText(t, entry({ type, ...samples[type] }));
    expect(say(en, 'revision.requested')).toBe(
      'Revision 1 of 2 requested for milestone 2, Logo: Make the blue darker',
    );
    expect(say(de, 'revision.requested')).toBe(
      'Überarbeitung 1 von 2 für Meilenstein 2, Logo, angefordert: Make the blue darker',
    );
    expect(say(en, 'milestone.approved')).toBe('Milestone 2, Logo, was approved.');
    expect(say(de, 'milestone.approved')).toBe('Meilenstein 2, Logo, wurde freigegeben.');
    expect(
      systemText(
        en,
        entry({ type: 'payment.reminder', day: 7, amountMinor: 150_000, currency: 'EUR' }),
      ),
    ).toBe('Payment reminder sent: €1,500.00 still to pay.');
    expect(say(en, 'file.superseded')).toBe('File replaced: logo.svg (kept for the record).');
    expect(say(en, 'milestone.delivered')).toBe(
      'Milestone 2, Logo, was delivered again after revision 1.',
    );
    // A first delivery carries no round.
    expect(systemText(en, entry({ type: 'milestone.delivered', position: 1, title: 'Logo' }))).toBe(
      'Milestone 1, Logo, was delivered.',
    );
    // Disputes: each step with its party and, for a proposal, the resolution; a chargeback apart.
    const dispute = (fields: Record<string, unknown>) =>
      entry({ type: 'dispute.step', position: 2, title: 'Logo', currency: 'EUR', ...fields });
    expect(
      systemText(
        en,
        dispute({
          step: 'propose',
          party: 'freelancer',
          resolution: { kind: 'revision', dueDate: '2026-12-20' },
        }),
      ),
    ).toBe('Dispute on milestone 2, Logo: the freelancer proposes a revision by 2026-12-20.');
    expect(
      systemText(
        de,
        dispute({
          step: 'propose',
          party: 'client',
          resolution: { kind: 'split', clientPaysMinor: 150_00 },
        }),
      ),
    ).toMatch(
      /^Streitfall zu Meilenstein 2, Logo: Der Kunde schlägt eine Teilung vor: Der Kunde zahlt \S*150\.00\S*\.$/,
    );
    expect(systemText(en, dispute({ step: 'accept', party: 'client', resolution: null }))).toBe(
      'Dispute on milestone 2, Logo: the client accepted the proposal: resolved.',
    );
    // An accepted resolution says what it changed.
    expect(
      systemText(
        en,
        dispute({
          step: 'accept',
          party: 'client',
          resolution: { kind: 'revision', dueDate: '2026-12-20' },
          applied: { kind: 'reopened', dueDate: '2026-12-20' },
        }),
      ),
    ).toBe(
      'Dispute on milestone 2, Logo: the client accepted the proposal: resolved; the milestone is open again for the revision, due 2026-12-20.',
    );
    expect(
      systemText(
        de,
        dispute({
          step: 'accept',
          party: 'freelancer',
          resolution: { kind: 'split', clientPaysMinor: 150_00 },
          applied: { kind: 'repriced', amountMinor: 150_00 },
        }),
      ),
    ).toMatch(/beigelegt; der Meilenstein kostet jetzt \S*150[.,]00\S*\.$/);
    expect(
      systemText(
        en,
        dispute({
          step: 'accept',
          party: 'client',
          resolution: { kind: 'partial_refund', amountMinor: 50_00 },
          applied: { kind: 'refund_due', amountMinor: 50_00 },
        }),
      ),
    ).toMatch(/resolved; the freelancer refunds \S*50\.00\S*\.$/);
    expect(systemText(en, dispute({ step: 'opened', party: 'client', chargeback: true }))).toBe(
      'Card chargeback reported for milestone 2, Logo: recorded as a dispute on the client’s side.',
    );
    // A long note is cut short in the thread's line.
    const long = systemText(
      en,
      entry({
        ...samples['revision.requested'],
        type: 'revision.requested',
        note: 'x'.repeat(300),
      }),
    );
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThan(200);
  });
});
