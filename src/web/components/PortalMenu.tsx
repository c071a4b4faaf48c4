import { DropdownMenu } from 'radix-ui';
import { SUPPORTED_LOCALES, useLocale, useT, type Locale } from '../i18n';
import { PortalEvidenceItem } from '../evidence/PortalEvidenceItem';

/**
 * The portal header's small menu: the language, and "Leave project" (which ends this device's
 * access until the code or link is used again). Loaded after the first screen (Radix stays out
 * of the portal's initial JavaScript).
 */
export default function PortalMenu({ onLeave }: { onLeave: () => Promise<void> }) {
  const t = useT();
  const { locale, setLocale } = useLocale();
  const names: Record<Locale, string> = {
    en: t('common.language.en'),
    de: t('common.language.de'),
  };
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="button-secondary menu-trigger" data-testid="portal-menu">
        <span aria-hidden="true" className="menu-icon">
          ☰
        </span>{' '}
        {t('portal.menu.open')}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu-content" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">{t('common.language')}</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={locale}
            onValueChange={(value) => {
              const chosen = SUPPORTED_LOCALES.find((l) => l === value);
              if (chosen !== undefined) void setLocale(chosen);
            }}
          >
            {SUPPORTED_LOCALES.map((l) => (
              <DropdownMenu.RadioItem key={l} value={l} className="menu-item" lang={l}>
                <DropdownMenu.ItemIndicator className="menu-check">✓ </DropdownMenu.ItemIndicator>
                {names[l]}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          <DropdownMenu.Separator className="menu-separator" />
          <PortalEvidenceItem />
          <DropdownMenu.Item className="menu-item" onSelect={() => void onLeave()}>
            {t('portal.menu.leave')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
