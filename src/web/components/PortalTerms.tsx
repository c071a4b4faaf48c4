import type { ReactNode } from 'react';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Milestone, PortalView } from '../types';
import { ErrorBanner } from './Notice';

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

/** The project's terms as the client reads and accepts them. */
export function PortalTerms({
  project,
  milestones,
  freelancer,
  busy,
  error,
  onAccept,
}: {
  project: PortalView['project'];
  milestones: Milestone[];
  freelancer: string;
  busy: boolean;
  error: string | null;
  onAccept: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const archived = project.archivedAt !== null;
  return (
    <section className="card stack terms" aria-labelledby="terms-heading">
      <h2 id="terms-heading" tabIndex={-1}>
        {t('portal.terms.heading')}
      </h2>
      <p>
        <T
          id="portal.terms.intro"
          values={{
            freelancer: <bdi>{freelancer}</bdi>,
            count: milestones.length,
            total: f.money(project.totalMinor, project.currency),
          }}
        />
      </p>
      <ol className="terms-list">
        {milestones.map((m) => (
          <li key={m.id}>
            <strong>
              <bdi>{m.title}</bdi>
            </strong>{' '}
            {t('portal.terms.item', {
              date: f.date(m.dueDate),
              amount: f.money(m.amountMinor, project.currency),
            })}
            {m.deliverables ? (
              <span className="deliverables">
                {' '}
                {t('portal.terms.deliverables')} <bdi>{m.deliverables}</bdi>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <p>
        <T id="portal.terms.sequence" values={{ b: bold }} />
      </p>
      <p>
        <T id="portal.terms.changes" values={{ b: bold }} />
      </p>
      <p>
        <T id="portal.terms.disputes" values={{ b: bold }} />
      </p>
      <ErrorBanner message={error} />
      {project.termsAcceptedAt ? (
        <p className="banner banner-success">
          <span aria-hidden="true">✓ </span>
          {t('portal.terms.accepted', { date: f.dateTime(project.termsAcceptedAt) })}
        </p>
      ) : archived ? (
        <p className="muted">{t('portal.terms.archived')}</p>
      ) : (
        <div className="actions">
          <button type="button" disabled={busy} onClick={onAccept}>
            {t('portal.terms.accept')}
          </button>
        </div>
      )}
    </section>
  );
}
