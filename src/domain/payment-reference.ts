/**
 * A milestone's payment reference ("MP-7F3K9Q"): made once when the milestone is created and
 * never changed, so a bank transfer is matched at a glance. Random, never derived from the
 * milestone's position (which changes when milestones are added or removed); drawn from an
 * alphabet without look-alikes (no 0/O, 1/I/L, U), so it survives being read out or retyped.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_LENGTH = 6;
export const REFERENCE_PATTERN = new RegExp(`^MP-[${REFERENCE_ALPHABET}]{${REFERENCE_LENGTH}}$`);

/**
 * The reference spelled by `draw`, which returns a uniformly random whole number in
 * [0, max) (crypto.randomInt in production, a seeded source in tests).
 */
export function paymentReference(draw: (max: number) => number): string {
  let body = '';
  for (let i = 0; i < REFERENCE_LENGTH; i += 1) {
    body += REFERENCE_ALPHABET[draw(REFERENCE_ALPHABET.length)] ?? '';
  }
  return `MP-${body}`;
}
