import { useEffect, useState } from 'react';
import { api } from '../api';
import { ActivityPanel } from '../components/ActivityPanel';
import { DownloadLog } from '../components/DownloadLog';
import { MilestoneCard } from '../components/MilestoneCard';
import { MilestoneForm } from '../components/MilestoneForm';
import { ErrorBanner, Loading } from '../components/Notice';
import { SharePanel } from '../components/SharePanel';
import { ProjectStatusBadge } from '../components/StatusBadge';
import { addDaysIso, formatDate, formatDateTime, formatMoney, todayIso } from '../format';
import { toApiError, useLoad } from '../hooks';
import { MAX_MILESTONES } from '../plan';
import { Link, useTitle } from '../router';
import { onUploadsChanged } from '../uploads';

export function ProjectPage({ projectId }: { projectId: string }) {
  const loaded = useLoad(() => api.getProject(projectId), projectId);
  const activity = useLoad(() => api.activity(projectId), projectId);
  const files = useLoad(() => api.listFiles(projectId), projectId);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useTitle(loaded.data?.project.title ?? 'Project');

  async function refresh() {
    await Promise.all([loaded.reload(), activity.reload(), files.reload()]);
  }

  async function refreshFiles() {
    await Promise.all([files.reload(), activity.reload()]);
  }

  // An upload finished (or was removed), possibly while this page was elsewhere: list it.
  const reloadFiles = files.reload;
  const reloadActivity = activity.reload;
  useEffect(
    () =>
      onUploadsChanged((item) => {
        if (item.projectId !== projectId) return;
        void reloadFiles();
        void reloadActivity();
      }),
    [projectId, reloadFiles, reloadActivity],
  );

  if (loaded.error && !loaded.data) {
    return (
      <>
        <h1>Project</h1>
        <ErrorBanner
          message={
            loaded.error.status === 404
              ? 'This project does not exist or is not yours.'
              : loaded.error.message
          }
        />
        <p>
          <Link href="/app">Back to projects</Link>
        </p>
      </>
    );
  }
  if (!loaded.data) return <Loading what="the project" />;

  const { project, milestones, payments } = loaded.data;
  const archived = project.archivedAt !== null;
  const sorted = [...milestones].sort((a, b) => a.position - b.position);
  const last = sorted[sorted.length - 1];
  const awaiting = sorted
    .filter((m) => m.status === 'delivered')
    .reduce((a, m) => a + m.amountMinor, 0);

  async function toggleArchive() {
    setBusy(true);
    setError(null);
    try {
      await api.archiveProject(project.id, !archived);
      await refresh();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p className="breadcrumb">
        <Link href="/app">Projects</Link> <span aria-hidden="true">/</span>
      </p>
      <div className="page-head">
        <h1>{project.title}</h1>
        <ProjectStatusBadge status={project.status} archived={archived} />
      </div>
      <p className="muted">
        For {project.clientName} ({project.clientEmail})
        {project.projectType ? ` · ${project.projectType}` : ''}
        {project.tags.length > 0 ? ` · ${project.tags.join(', ')}` : ''}
      </p>
      {project.description ? <p>{project.description}</p> : null}
      <ErrorBanner message={error ?? loaded.error?.message} />
      <dl className="stats">
        <div className="stat">
          <dt>Total</dt>
          <dd>{formatMoney(project.totalMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Paid</dt>
          <dd>{formatMoney(project.paidMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Awaiting payment</dt>
          <dd>{formatMoney(awaiting, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Terms</dt>
          <dd>
            {project.termsAcceptedAt
              ? `Accepted ${formatDateTime(project.termsAcceptedAt)}`
              : 'Not yet accepted'}
          </dd>
        </div>
      </dl>

      <section className="stack" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Milestones</h2>
        <ol className="timeline">
          {sorted.map((milestone) => (
            <MilestoneCard
              key={milestone.id}
              projectId={project.id}
              milestone={milestone}
              currency={project.currency}
              payment={payments.find((p) => p.milestoneId === milestone.id)}
              canRemove={sorted.length > 1}
              readOnly={archived}
              files={files.data?.files.filter((f) => f.milestoneId === milestone.id)}
              onChanged={refresh}
              onFilesChanged={refreshFiles}
            />
          ))}
        </ol>
        {!archived ? (
          adding ? (
            <section className="card" aria-labelledby="add-milestone-heading">
              <h3 id="add-milestone-heading">Add a milestone</h3>
              <MilestoneForm
                idPrefix="add-milestone"
                currency={project.currency}
                initial={{
                  title: '',
                  deliverables: '',
                  dueDate: addDaysIso(last?.dueDate ?? todayIso(), 14),
                  amount: '',
                }}
                submitLabel="Add milestone"
                onCancel={() => setAdding(false)}
                onSubmit={async (fields) => {
                  await api.addMilestone(project.id, fields);
                  setAdding(false);
                  await refresh();
                }}
              />
            </section>
          ) : (
            <div className="actions">
              <button
                type="button"
                className="button-secondary"
                disabled={sorted.length >= MAX_MILESTONES}
                onClick={() => setAdding(true)}
                aria-describedby="add-limit"
              >
                Add milestone
              </button>
              <span id="add-limit" className="muted">
                {sorted.length >= MAX_MILESTONES
                  ? `A project has at most ${MAX_MILESTONES} milestones.`
                  : `New milestones go at the end. Last due ${formatDate(last?.dueDate)}.`}
              </span>
            </div>
          )
        ) : null}
      </section>

      <ErrorBanner message={files.error?.message} />

      {files.data && files.data.files.some((f) => f.status === 'complete') ? (
        <DownloadLog downloads={files.data.downloads} files={files.data.files} />
      ) : null}

      {!archived ? <SharePanel project={project} onChanged={refresh} /> : null}

      {activity.data ? (
        <ActivityPanel entries={activity.data.entries} chainValid={activity.data.chainValid} />
      ) : null}
      <ErrorBanner message={activity.error?.message} />

      <section className="card stack" aria-labelledby="archive-heading">
        <h2 id="archive-heading">{archived ? 'Archived' : 'Archive'}</h2>
        <p className="muted">
          {archived
            ? 'This project is archived: it is hidden from the dashboard and cannot be changed.'
            : 'Archiving hides the project from your dashboard. Nothing is deleted.'}
        </p>
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => void toggleArchive()}
          >
            {archived ? 'Unarchive project' : 'Archive project'}
          </button>
        </div>
      </section>
    </>
  );
}
