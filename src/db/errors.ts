/** Driver errors, told apart by their codes (never their message text), for both dialects. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error as { code: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/**
 * PostgreSQL's program_limit_exceeded: among others, a commit refused because the notify queue is
 * full ("too many notifications in the NOTIFY queue"), which fails the whole transaction.
 */
export function isProgramLimit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '54000';
}
