import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { MailOutboxNotice } from '../components/MailOutboxNotice';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { ProjectStatusBadge, StatusBadge } from '../components/StatusBadge';
import { sumByCurrency } from '../format';
import { useFormat } from '../i18n/format';
import { queries } from '../queries';
import { Link, useLocation } from 'react-router';
import type { ProjectSummary } from '../types';
import { useTitle } from '../hooks';
import { useT } from '../i18n';
import { AttentionList } from '../components/AttentionList';

export function DashboardPage() {
  const t = useT();
  useTitle(t('workspace.dashboard.title'));
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const [includeArchived, setIncludeArchived] = useState(false);
  // Always ask for archived ones too: the empty state can then tell "none yet" from "all archived".
  const { data, error, isPending: loading } = useQuery(queries.projects(true));
  const all = data?.projects ?? [];
  const projects = includeArchived ? all : all.filter((p) => p.archivedAt === null);

  return (
    <>
      <div className="page-head">
        <h1>{t('workspace.dashboard.title')}</h1>
        <Link to="/app/projects/new" className="button">
          {t('workspace.nav.newProject')}
        </Link>
      </div>
      {notice === 'passwordReset' ? (
        <SuccessNote>{t('workspace.dashboard.passwordReset')}</SuccessNote>
      ) : null}
      <ErrorBanner message={error?.message} />
      <MailOutboxNotice />
      <AttentionList />
      {data ? <Totals projects={all} /> : null}
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(e) => setIncludeArchived(e.target.checked)}
          />
          {t('workspace.dashboard.showArchived')}
        </label>
      </div>
      {loading && !data ? <Loading what={t('workspace.dashboard.loadingWhat')} /> : null}
      {data && all.length > 0 && projects.length === 0 ? (
        <p className="card empty">{t('workspace.dashboard.allArchived')}</p>
      ) : null}
      {data && all.length === 0 ? (
        <section className="card empty">
          <h2>{t('workspace.dashboard.empty.title')}</h2>
          <p>{t('workspace.dashboard.empty.text')}</p>
          <p>
            <Link to="/app/projects/new" className="button">
              {t('workspace.dashboard.empty.create')}
            </Link>
          </p>
        </section>
      ) : null}
      {projects.length > 0 ? (
        <ul className="project-list" aria-label={t('workspace.dashboard.title')}>
          {projects.map((project) => (
            <ProjectRow key={project.id} project={project} />
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Totals({ projects }: { projects: ProjectSummary[] }) {
  const t = useT();
  const f = useFormat();
  const live = projects.filter((p) => p.archivedAt === null);
  const awaiting = sumByCurrency(
    live.map((p) => ({ currency: p.currency, amountMinor: p.awaitingPaymentMinor })),
  );
  const outstanding = sumByCurrency(
    live.map((p) => ({ currency: p.currency, amountMinor: p.totalMinor - p.paidMinor })),
  );
  const paid = sumByCurrency(live.map((p) => ({ currency: p.currency, amountMinor: p.paidMinor })));
  return (
    <section aria-labelledby="totals-heading" className="totals">
      <h2 id="totals-heading" className="visually-hidden">
        {t('workspace.dashboard.totals')}
      </h2>
      <dl className="stats">
        <div className="stat">
          <dt>{t('workspace.money.awaiting')}</dt>
          <dd>
            {f.moneyList(
              awaiting.filter(([, a]) => a > 0),
              t('workspace.money.nothing'),
            )}
          </dd>
        </div>
        <div className="stat">
          <dt>{t('workspace.dashboard.stillToPay')}</dt>
          <dd>
            {f.moneyList(
              outstanding.filter(([, a]) => a > 0),
              t('workspace.money.nothing'),
            )}
          </dd>
        </div>
        <div className="stat">
          <dt>{t('workspace.dashboard.paidSoFar')}</dt>
          <dd>
            {f.moneyList(
              paid.filter(([, a]) => a > 0),
              t('workspace.money.nothing'),
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function ProjectRow({ project }: { project: ProjectSummary }) {
  const t = useT();
  const f = useFormat();
  const current = project.currentMilestone;
  return (
    <li className="card project-row">
      <div className="project-row-head">
        <h2 className="project-title">
          <Link to={`/app/projects/${project.id}`}>
            <bdi>{project.title}</bdi>
          </Link>
        </h2>
        <ProjectStatusBadge status={project.status} archived={project.archivedAt !== null} />
      </div>
      <p className="muted">
        <bdi>{project.clientName}</bdi>
      </p>
      <dl className="facts">
        <div>
          <dt>{t('workspace.dashboard.current')}</dt>
          <dd>
            {current ? (
              <>
                {current.position}. <bdi>{current.title}</bdi>{' '}
                <StatusBadge status={current.status} />{' '}
                <span className="muted">
                  {t('workspace.milestone.dueOn', { date: f.date(current.dueDate) })}
                </span>
              </>
            ) : (
              t('workspace.dashboard.allPaid')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('workspace.money.paid')}</dt>
          <dd>
            {t('workspace.dashboard.paidOf', {
              paid: f.money(project.paidMinor, project.currency),
              total: f.money(project.totalMinor, project.currency),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('workspace.money.awaiting')}</dt>
          <dd>{f.money(project.awaitingPaymentMinor, project.currency)}</dd>
        </div>
      </dl>
      <Progress paid={project.paidMinor} total={project.totalMinor} />
    </li>
  );
}

function Progress({ paid, total }: { paid: number; total: number }) {
  const percent = total > 0 ? Math.min(100, Math.round((paid / total) * 100)) : 0;
  return (
    <div className="progress" aria-hidden="true">
      <div className="progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
