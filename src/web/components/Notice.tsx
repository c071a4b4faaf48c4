import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** An error the user must read: announced at once. */
export function ErrorBanner({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert">
      {message}
    </div>
  );
}

/** A calm confirmation, announced politely. */
export function SuccessNote({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="banner banner-success" role="status">
      {children}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  const t = useT();
  return (
    <p className="loading" role="status">
      {t('common.loading', { what })}
    </p>
  );
}
