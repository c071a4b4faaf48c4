import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { toApiError } from '../hooks';

/**
 * Puts a refusal from the server beside the field it names (when the form has it) and answers
 * null; anything else comes back as the banner's text.
 */
export function showServerError<F extends FieldValues>(
  form: UseFormReturn<F>,
  err: unknown,
  fields: readonly Path<F>[],
): string | null {
  const error = toApiError(err);
  const field = fields.find((f) => f === error.field);
  if (field === undefined) return error.message;
  const prefix = `${field}: `;
  const text = error.message.startsWith(prefix)
    ? error.message.slice(prefix.length)
    : error.message;
  form.setError(field, { message: text.charAt(0).toUpperCase() + text.slice(1) });
  return null;
}
