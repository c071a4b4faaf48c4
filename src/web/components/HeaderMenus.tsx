import { DropdownMenu } from 'radix-ui';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { useAuth } from '../auth';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { NAV, useNavLabel } from './nav';

/** The header's two menus: navigation on a phone, and the account menu. */
export default function HeaderMenus({
  path,
  onError,
}: {
  path: string;
  onError: (message: string | null) => void;
}) {
  return (
    <>
      <PhoneMenu path={path} />
      <AccountMenu onError={onError} />
    </>
  );
}

/** On a phone the navigation folds into one menu (hidden by CSS on wider screens). */
function PhoneMenu({ path }: { path: string }) {
  const t = useT();
  const label = useNavLabel();
  const navigate = useNavigate();
  return (
    <div className="nav-phone">
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className="button-secondary menu-trigger">
          <span aria-hidden="true" className="menu-icon">
            ☰
          </span>{' '}
          {t('workspace.nav.menu')}
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu-content" align="end" sideOffset={6}>
            {NAV.map((item) => (
              <DropdownMenu.Item
                key={item.href}
                className="menu-item"
                data-current={item.match(path) ? 'true' : undefined}
                onSelect={() => void navigate(item.href)}
              >
                {label(item.id)}
                {item.match(path) ? (
                  <span className="visually-hidden"> {t('workspace.nav.current')}</span>
                ) : null}
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  );
}

/** The account menu in the header: who is logged in, settings, log out. */
function AccountMenu({ onError }: { onError: (message: string | null) => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { state, signedOut } = useAuth();
  const name = state.status === 'in' ? state.user.name : '';

  async function logOut() {
    onError(null);
    try {
      await api.logout();
      signedOut();
      void navigate('/login', { replace: true });
    } catch (err) {
      onError(toApiError(err).message);
    }
  }

  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="button-secondary menu-trigger account-trigger">
        <span aria-hidden="true" className="account-initial">
          {initialOf(name)}
        </span>
        <span className="account-name">
          <bdi>{name}</bdi>
        </span>
        <span className="visually-hidden"> {t('workspace.account.menu')}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu-content" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">
            <bdi>{name}</bdi>
          </DropdownMenu.Label>
          <DropdownMenu.Item className="menu-item" onSelect={() => void navigate('/app/settings')}>
            {t('workspace.account.settings')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => void logOut()}>
            {t('workspace.account.logOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function initialOf(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '?' : first.toLocaleUpperCase();
}
