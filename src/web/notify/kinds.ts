/** Each kind of notification mail in words, for the settings, the portal and the unsubscribe page. */
import { useCallback } from 'react';
import { useT } from '../i18n';

export function useKindLabel(): (audience: 'client' | 'freelancer', kind: string) => string {
  const t = useT();
  return useCallback(
    (audience, kind) => {
      switch (`${audience}.${kind}`) {
        case 'client.uploads':
          return t('notify.kind.client.uploads');
        case 'client.delivery':
          return t('notify.kind.client.delivery');
        case 'client.reminders':
          return t('notify.kind.client.reminders');
        case 'client.messages':
          return t('notify.kind.client.messages');
        case 'freelancer.client_visit':
          return t('notify.kind.freelancer.client_visit');
        case 'freelancer.terms_accepted':
          return t('notify.kind.freelancer.terms_accepted');
        case 'freelancer.payment':
          return t('notify.kind.freelancer.payment');
        case 'freelancer.downloads':
          return t('notify.kind.freelancer.downloads');
        case 'freelancer.messages':
          return t('notify.kind.freelancer.messages');
        default:
          return kind;
      }
    },
    [t],
  );
}
