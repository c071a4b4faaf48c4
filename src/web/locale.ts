/** The person's locale, as the browser reports it: how they write numbers and dates. */
export function userLocale(): string {
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of wanted) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported !== undefined) return supported;
    } catch {
      // A malformed tag: try the next one.
    }
  }
  return new Intl.NumberFormat().resolvedOptions().locale;
}
