/**
 * For tests that record what the `pg` driver sends: the SQL text of a `Client.query` call, which
 * takes either the text or a query config object (`{ text, values, name }`).
 */
export function statementText(args: unknown[]): string {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && 'text' in first) {
    return String((first as { text: unknown }).text);
  }
  return '?';
}
