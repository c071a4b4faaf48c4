import { Link } from 'react-router';
import { useTitle } from '../hooks';
import { useT } from '../i18n';

export function NotFoundPage() {
  const t = useT();
  useTitle(t('common.notFound.title'));
  return (
    <section className="card">
      <h1>{t('common.notFound.title')}</h1>
      <p>{t('common.notFound.explain')}</p>
      <p>
        <Link to="/">{t('common.notFound.home')}</Link>
      </p>
    </section>
  );
}
