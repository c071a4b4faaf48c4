import { markOwnerSumsStale } from '../db/queries/analytics-sums';
import { findUserById, updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { nowOf, type ActionContext } from './context';

export function updateSettings(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    /** Projects per step of the analytics rebuild a change of time zone starts. */
    rebuildBatch?: number | undefined;
    settings: {
      name: string;
      businessName: string;
      paymentInstructions: string;
      /** IANA name, checked by the caller; unchanged when not given. */
      timeZone?: string | undefined;
      /** Unchanged when not given. */
      locale?: Locale | undefined;
      /** The portal's display name; unchanged when not given. */
      brandName?: string | undefined;
      /** #rrggbb (checked by the caller) or null for Milepost's; unchanged when not given. */
      accentColor?: string | null | undefined;
    };
  },
): Promise<UserRow> {
  const { settings } = options;
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, options.userId);
    const user = await updateUser(
      trx,
      options.userId,
      {
        name: settings.name.trim(),
        business_name: settings.businessName.trim(),
        payment_instructions: settings.paymentInstructions,
        ...(settings.timeZone !== undefined && { time_zone: settings.timeZone }),
        ...(settings.locale !== undefined && { locale: settings.locale }),
        ...(settings.brandName !== undefined && { brand_name: settings.brandName.trim() }),
        ...(settings.accentColor !== undefined && { brand_accent: settings.accentColor }),
      },
      now,
    );
    // Analytics months are the freelancer's: another time zone moves instants to other days. The
    // sums are rebuilt after this commits, step by step (the dashboard reads the rows meanwhile).
    if (before && before.time_zone !== user.time_zone) {
      await markOwnerSumsStale(trx, options.userId, { now, batch: options.rebuildBatch });
    }
    return user;
  });
}
