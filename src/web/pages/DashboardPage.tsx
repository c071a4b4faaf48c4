import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { MailOutboxNotice } from '../components/MailOutboxNotice';
import { ErrorBanner, Loading } from '../components/Notice';
import { ProjectStatusBadge, StatusBadge } from '../components/StatusBadge';
import { formatDate, formatMoney, formatMoneyList, sumByCurrency } from '../format';
import { queries } from '../queries';
import { Link } from 'react-router';
import type { ProjectSummary } from '../types';
import { useTitle } from '../hooks';

export function DashboardPage() {
  useTitle('Projects');
  const [includeArchived, setIncludeArchived] = useState(false);
  // Always ask for archived ones too: the empty state can then tell "none yet" from "all archived".
  const { data, error, isPending: loading } = useQuery(queries.projects(true));
  const all = data?.projects ?? [];
  const projects = includeArchived ? all : all.filter((p) => p.archivedAt === null);

  return (
    <>
      <div className="page-head">
        <h1>Projects</h1>
        <Link to="/app/projects/new" className="button">
          New project
        </Link>
      </div>
      <ErrorBanner message={error?.message} />
      <MailOutboxNotice />
      {data ? <Totals projects={all} /> : null}
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(e) => setIncludeArchived(e.target.checked)}
          />
          Show archived projects
        </label>
      </div>
      {loading && !data ? <Loading what="projects" /> : null}
      {data && all.length > 0 && projects.length === 0 ? (
        <p className="card empty">
          All your projects are archived. Tick “Show archived projects” to see them.
        </p>
      ) : null}
      {data && all.length === 0 ? (
        <section className="card empty">
          <h2>No projects yet</h2>
          <p>
            A project is a client, a total, and the milestones that lead to it. Each milestone is
            paid before the next one opens.
          </p>
          <p>
            <Link to="/app/projects/new" className="button">
              Create your first project
            </Link>
          </p>
        </section>
      ) : null}
      {projects.length > 0 ? (
        <ul className="project-list" aria-label="Projects">
          {projects.map((project) => (
            <ProjectRow key={project.id} project={project} />
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Totals({ projects }: { projects: ProjectSummary[] }) {
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
        Totals
      </h2>
      <dl className="stats">
        <div className="stat">
          <dt>Awaiting payment</dt>
          <dd>{formatMoneyList(awaiting.filter(([, a]) => a > 0))}</dd>
        </div>
        <div className="stat">
          <dt>Still to be paid</dt>
          <dd>{formatMoneyList(outstanding.filter(([, a]) => a > 0))}</dd>
        </div>
        <div className="stat">
          <dt>Paid so far</dt>
          <dd>{formatMoneyList(paid.filter(([, a]) => a > 0))}</dd>
        </div>
      </dl>
    </section>
  );
}

function ProjectRow({ project }: { project: ProjectSummary }) {
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
      <p className="muted">{project.clientName}</p>
      <dl className="facts">
        <div>
          <dt>Current milestone</dt>
          <dd>
            {current ? (
              <>
                {current.position}. <bdi>{current.title}</bdi>{' '}
                <StatusBadge status={current.status} />{' '}
                <span className="muted">due {formatDate(current.dueDate)}</span>
              </>
            ) : (
              'All milestones paid'
            )}
          </dd>
        </div>
        <div>
          <dt>Paid</dt>
          <dd>
            {formatMoney(project.paidMinor, project.currency)} of{' '}
            {formatMoney(project.totalMinor, project.currency)}
          </dd>
        </div>
        <div>
          <dt>Awaiting payment</dt>
          <dd>{formatMoney(project.awaitingPaymentMinor, project.currency)}</dd>
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
