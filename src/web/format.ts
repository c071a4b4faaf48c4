/**
 * Display helpers over the shared domain money module.
 *
 * NOTE for everyone converting a screen to the person's language: these functions default to
 * English ('en-GB' dates). In components use `useFormat()` from src/web/i18n/format.ts instead —
 * `const f = useFormat(); f.money(…), f.date(…), f.dateTime(…), f.bytes(…), f.method(…)` — which
 * passes the app's chosen language (Settings → Language) to these same functions.
 */
import { formatMoney } from '../domain/money';

export { formatMoney };

/** Sums amounts per currency, e.g. for dashboard totals across projects. */
export function sumByCurrency(
  items: readonly { currency: string; amountMinor: number }[],
): [string, number][] {
  const sums = new Map<string, number>();
  for (const item of items)
    sums.set(item.currency, (sums.get(item.currency) ?? 0) + item.amountMinor);
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function formatMoneyList(
  sums: readonly [string, number][],
  none = 'Nothing',
  locale = 'en',
): string {
  if (sums.length === 0) return none;
  return sums.map(([currency, amount]) => formatMoney(amount, currency, locale)).join(' + ');
}

/** "2025-03-14" → "14 Mar 2025", read as a calendar date (no time zone shift). */
export function formatDate(isoDate: string | null | undefined, locale = 'en-GB'): string {
  if (!isoDate) return '—';
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined || [y, m, d].some(Number.isNaN))
    return isoDate;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatDateTime(iso: string | null | undefined, locale = 'en-GB'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Today as YYYY-MM-DD in the user's own time zone. */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function addDaysIso(isoDate: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

export const PAYMENT_METHODS = {
  bank_transfer: 'Bank transfer',
  cash: 'Cash',
  cheque: 'Cheque',
  other: 'Other',
} as const;

/** "bank_transfer" → "bank transfer", "stripe" → "card (Stripe)": how money moved, in words. */
export function methodLabel(method: string): string {
  if (method === 'stripe') return 'card (Stripe)';
  if (isOfflineMethod(method)) return PAYMENT_METHODS[method].toLowerCase();
  return method.replace(/_/g, ' ');
}

export function isOfflineMethod(value: string): value is keyof typeof PAYMENT_METHODS {
  return Object.hasOwn(PAYMENT_METHODS, value);
}

export const STATUS_LABELS = {
  locked: 'Locked',
  open: 'Open',
  delivered: 'Delivered',
  paid: 'Paid',
} as const;

/** "K7QM2XPD9RTA" or "k7qm-2xpd-9rta" → "K7QM-2XPD-9RTA"; anything else is returned uppercased. */
export function normaliseAccessCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact.length === 12)
    return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`;
  return input.trim().toUpperCase();
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB", 5368709120 → "5 GiB": binary units, at most one decimal. */
export function formatBytes(bytes: number, locale = 'en-GB'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  return `${text} ${BYTE_UNITS[unit] ?? 'B'}`;
}

/** 1234567 → "1,234,567 bytes", for a title or a screen reader where the exact size matters. */
export function formatByteCount(bytes: number): string {
  return `${new Intl.NumberFormat('en-GB').format(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

/** Bytes per second as "4.2 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A SHA-256 shortened for reading: "3a7bd3e2…c1f0" (the full value goes in a title or beside it). */
export function shortHash(hex: string): string {
  return hex.length <= 16 ? hex : `${hex.slice(0, 10)}…${hex.slice(-6)}`;
}
