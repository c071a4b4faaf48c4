/**
 * For tests that record what the `pg` driver sends: the SQL text of a `Client.query` call, which
 * takes either the text or a query config object (`{ text, values, name }`), and the name it is
 * prepared under, if any (src/db/prepared.ts).
 */
export function statementCall(args: unknown[]): { text: string; name: string | undefined } {
  const [first] = args;
  if (typeof first === 'string') return { text: first, name: undefined };
  if (typeof first === 'object' && first !== null && 'text' in first) {
    const config = first as { text: unknown; name?: unknown };
    return {
      text: String(config.text),
      name: typeof config.name === 'string' ? config.name : undefined,
    };
  }
  return { text: '?', name: undefined };
}

/** The SQL text of a `Client.query` call. */
export function statementText(args: unknown[]): string {
  return statementCall(args).text;
}
