/**
 * IBANs in free text: the portal finds the account number in a freelancer's payment
 * instructions ("IBAN DE89 3704 0044 0532 0130 00") to offer a copy button, without asking for a
 * separate field. Only candidates that pass the ISO 13616 check (mod 97 = 1) count.
 */

/** A country code, two check digits, then 11–30 letters or digits, in groups of up to four. */
const CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30}\b/g;

/** "DE89 3704 …" → "DE89370400440532013000". */
export function compactIban(text: string): string {
  return text.replace(/[\s\u00a0]/g, '').toUpperCase();
}

/** Whether a compact IBAN's check digits are right (mod 97 of the rearranged number is 1). */
export function isValidIban(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** "DE89370400440532013000" → "DE89 3704 0044 0532 0130 00", as banks print it. */
export function groupIban(compact: string): string {
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The first valid IBAN in `text`, compact, or null. */
export function findIban(text: string): string | null {
  for (const match of text.toUpperCase().matchAll(CANDIDATE)) {
    // A candidate may have swallowed a following word ("… 00 BIC"): try shorter prefixes too.
    const compact = compactIban(match[0]);
    for (let end = compact.length; end >= 15; end -= 1) {
      const candidate = compact.slice(0, end);
      if (isValidIban(candidate)) return candidate;
    }
  }
  return null;
}
