import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : 'Something went wrong.';
  return new ApiError(0, 'CLIENT_ERROR', message);
}

export interface FormErrors {
  banner: string | null;
  fields: Record<string, string>;
  /** Puts an API error next to its field when the form shows that field, else in the banner. */
  show: (err: unknown, knownFields?: readonly string[]) => void;
  setField: (field: string, message: string) => void;
  clear: () => void;
}

export function useFormErrors(): FormErrors {
  const [banner, setBanner] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const show = useCallback((err: unknown, knownFields: readonly string[] = []) => {
    const error = toApiError(err);
    if (error.field !== undefined && knownFields.includes(error.field)) {
      // Next to the field its name is redundant: "title: is required" → "Is required".
      const prefix = `${error.field}: `;
      const text = error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : error.message;
      setFields({ [error.field]: text.charAt(0).toUpperCase() + text.slice(1) });
      setBanner(null);
    } else {
      setFields({});
      setBanner(error.message);
    }
  }, []);
  const setField = useCallback((field: string, message: string) => {
    setFields((prev) => ({ ...prev, [field]: message }));
  }, []);
  const clear = useCallback(() => {
    setBanner(null);
    setFields({});
  }, []);
  return { banner, fields, show, setField, clear };
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Milepost` : 'Milepost';
  }, [title]);
}
