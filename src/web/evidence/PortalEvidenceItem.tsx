import { DropdownMenu } from 'radix-ui';
import { useT } from '../i18n';

/** The portal menu's "Export evidence (ZIP)": the client's copy of the project's signed record. */
export function PortalEvidenceItem() {
  const t = useT();
  return (
    <DropdownMenu.Item className="menu-item" asChild>
      <a href="/api/portal/evidence.zip" download data-testid="portal-evidence">
        {t('portal.menu.evidence')}
      </a>
    </DropdownMenu.Item>
  );
}
