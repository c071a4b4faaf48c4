import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api';
import { useFreelancerToday, useLimits } from '../auth';
import { ChatDock } from '../chat/ChatDock';
import { ProjectReminders } from '../notify/ProjectReminders';
import { T, useT, type Translate } from '../i18n';
import { useFormat, type Format } from '../i18n/format';
import { flagWhy } from '../components/flag-words';
import { NextStep } from '../components/NextStep';
import { IssuedAccess, inviteClient, type Issued } from '../components/SharePanel';
import { ActivityPanel } from '../components/ActivityPanel';
import { DownloadLog } from '../components/DownloadLog';
import { MilestoneCard } from '../components/MilestoneCard';
import { MilestoneForm } from '../components/MilestoneForm';
import { ErrorBanner, Loading } from '../components/Notice';
import { ReceiptList } from '../components/ReceiptList';
import { ProjectInvoices } from '../invoices/ProjectInvoices';
import { ChangeOrderBuilder } from '../change-orders/ChangeOrderBuilder';
import { SharePanel } from '../components/SharePanel';
import { ProjectContract } from '../contract/ProjectContract';
import { ProjectTerms } from '../contract/ProjectTerms';
import { ExportEvidence } from '../evidence/ExportEvidence';
import { ProjectCosts } from '../analytics/ProjectCosts';
import { ProjectStatusBadge } from '../components/StatusBadge';
import { addDaysIso, todayIso } from '../format';
import { toApiError, useTitle } from '../hooks';
import { invalidateProject, keys, queries } from '../queries';
import { Link } from 'react-router';
import type { Activity, Milestone } from '../types';
import { onUploadsChanged } from '../uploads';

/** Why each flagged Stripe payment was flagged, from the activity record's `payment.flagged`. */
function flagReasonsOf(
  entries: readonly Activity[] | undefined,
  t: Translate,
  f: Format,
): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const entry of entries ?? []) {
    if (entry.action !== 'payment.flagged') continue;
    const { paymentId } = entry.details;
    if (typeof paymentId === 'string')
      reasons.set(paymentId, flagWhy(entry.details, t, f, t('project.attention.noReason')));
  }
  return reasons;
}

interface Attention {
  key: string;
  milestone: Milestone | undefined;
  text: string;
}

/** Stripe news the freelancer must not miss: flagged payments and disputes. */
function attentionOf(
  entries: readonly Activity[] | undefined,
  milestones: readonly Milestone[],
  flaggedIds: ReadonlySet<string>,
  t: Translate,
  f: Format,
): Attention[] {
  const items: Attention[] = [];
  for (const entry of entries ?? []) {
    const { milestoneId, paymentId } = entry.details;
    const milestone = milestones.find((m) => m.id === milestoneId);
    const where = milestone
      ? t('project.attention.where', { position: milestone.position, title: milestone.title })
      : t('project.attention.someMilestone');
    const why = flagWhy(entry.details, t, f, t('project.attention.noReason'));
    if (
      entry.action === 'payment.flagged' &&
      typeof paymentId === 'string' &&
      flaggedIds.has(paymentId)
    ) {
      items.push({
        key: `f${entry.seq}`,
        milestone,
        text: t('project.attention.flagged', { where, why }),
      });
    }
    if (entry.action === 'payment.disputed') {
      items.push({
        key: `d${entry.seq}`,
        milestone,
        text: t('project.attention.disputed', { where, why }),
      });
    }
  }
  return items;
}

export function ProjectPage({ projectId }: { projectId: string }) {
  const queryClient = useQueryClient();
  const loaded = useQuery(queries.project(projectId));
  const activity = useQuery(queries.projectActivity(projectId));
  const files = useQuery(queries.projectFiles(projectId));
  const receipts = useQuery(queries.projectReceipts(projectId));
  const { maxMilestones } = useLimits();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const today = useFreelancerToday();
  const t = useT();
  const f = useFormat();
  const wide = useWideScreen();
  useTitle(loaded.data?.project.title ?? t('project.title'));

  /** After a change to the project: everything that shows it, refetched before this resolves. */
  function refresh(): Promise<void> {
    return invalidateProject(queryClient, projectId);
  }

  async function refreshFiles() {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.projectFiles(projectId) }),
      queryClient.invalidateQueries({ queryKey: keys.projectActivity(projectId) }),
    ]);
  }

  // An upload finished (or was removed), possibly while this page was elsewhere: list it.
  useEffect(
    () =>
      onUploadsChanged((item) => {
        if (item.projectId !== projectId) return;
        void queryClient.invalidateQueries({ queryKey: keys.projectFiles(item.projectId) });
        void queryClient.invalidateQueries({ queryKey: keys.projectActivity(item.projectId) });
      }),
    [projectId, queryClient],
  );

  if (loaded.error && !loaded.data) {
    return (
      <>
        <h1>{t('project.title')}</h1>
        <ErrorBanner
          message={loaded.error.status === 404 ? t('project.notFound') : loaded.error.message}
        />
        <p>
          <Link to="/app">{t('project.back')}</Link>
        </p>
      </>
    );
  }
  if (!loaded.data) return <Loading what={t('project.loadingWhat')} />;

  const { project, milestones, payments } = loaded.data;
  const archived = project.archivedAt !== null;
  const sorted = [...milestones].sort((a, b) => a.position - b.position);
  const last = sorted[sorted.length - 1];
  const awaiting = sorted
    .filter((m) => m.status === 'delivered')
    .reduce((a, m) => a + m.outstandingMinor, 0);
  const refunded = sorted.reduce((a, m) => a + m.refundedMinor, 0);
  const flagReasons = flagReasonsOf(activity.data?.entries, t, f);
  const flaggedIds = new Set(payments.filter((p) => p.status === 'flagged').map((p) => p.id));
  const attention = attentionOf(activity.data?.entries, sorted, flaggedIds, t, f);

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
        <Link to="/app">{t('workspace.nav.projects')}</Link> <span aria-hidden="true">/</span>
      </p>
      <div className="page-head">
        <h1>
          <bdi>{project.title}</bdi>
        </h1>
        <ProjectStatusBadge status={project.status} archived={archived} />
      </div>
      <p className="muted">
        <T
          id="project.for"
          values={{
            client: <bdi>{project.clientName}</bdi>,
            email: <bdi>{project.clientEmail}</bdi>,
          }}
        />
        {project.projectType ? ` · ${project.projectType}` : ''}
        {project.tags.length > 0 ? ` · ${project.tags.join(', ')}` : ''}
      </p>
      {project.description ? (
        <p>
          <bdi>{project.description}</bdi>
        </p>
      ) : null}
      {attention.length > 0 ? (
        <div className="attention" role="alert" aria-labelledby="attention-heading">
          <h2 id="attention-heading">{t('workspace.attention.title')}</h2>
          <ul>
            {attention.map((item) => (
              <li key={item.key}>
                {item.text}{' '}
                {item.milestone ? (
                  <a href={`#milestone-${item.milestone.id}`}>
                    {t('project.attention.see', { position: item.milestone.position })}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorBanner message={error ?? loaded.error?.message} />
      <dl className="stats">
        <div className="stat">
          <dt>{t('project.stats.total')}</dt>
          <dd>{f.money(project.totalMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>{t('project.stats.paid')}</dt>
          <dd>{f.money(project.paidMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>{t('project.stats.awaiting')}</dt>
          <dd>{f.money(awaiting, project.currency)}</dd>
        </div>
        {refunded > 0 ? (
          <div className="stat">
            <dt>{t('project.stats.refunded')}</dt>
            <dd>{f.money(refunded, project.currency)}</dd>
          </div>
        ) : null}
        <div className="stat">
          <dt>{t('project.stats.terms')}</dt>
          <dd>
            {project.termsAcceptedAt
              ? t('project.stats.termsAccepted', { date: f.dateTime(project.termsAcceptedAt) })
              : t('project.stats.termsOpen')}
          </dd>
        </div>
      </dl>

      <ChatDock realm="app" projectId={project.id} otherName={project.clientName} />
      <div className="project-layout">
        <div className="project-main">
          {!archived ? (
            <NextStep
              project={project}
              milestones={sorted}
              files={files.data?.files}
              today={today}
              onShare={async () => {
                setIssued(await inviteClient(project.id));
                await refresh();
              }}
              onDeliver={async (milestone) => {
                try {
                  await api.deliverMilestone(project.id, milestone.id);
                } catch (err) {
                  setError(toApiError(err).message);
                }
                await refresh();
              }}
            />
          ) : null}
          {issued ? (
            <IssuedAccess
              issued={issued}
              clientName={project.clientName}
              onDismiss={() => setIssued(null)}
            />
          ) : null}
          <section className="stack" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t('project.milestones')}</h2>
            <ol className="timeline">
              {sorted.map((milestone) => (
                <MilestoneCard
                  key={milestone.id}
                  projectId={project.id}
                  milestone={milestone}
                  currency={project.currency}
                  clientName={project.clientName}
                  payments={payments.filter((p) => p.milestoneId === milestone.id)}
                  flagReasons={flagReasons}
                  canRemove={sorted.length > 1}
                  siblings={sorted}
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
                  <h3 id="add-milestone-heading">{t('project.add.heading')}</h3>
                  <MilestoneForm
                    idPrefix="add-milestone"
                    currency={project.currency}
                    initial={{
                      title: '',
                      deliverables: '',
                      dueDate: addDaysIso(last?.dueDate ?? todayIso(), 14),
                      amount: '',
                      isDeposit: false,
                    }}
                    submitLabel={t('project.add.submit')}
                    dueContext={{ position: (last?.position ?? 0) + 1, others: sorted }}
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
                    disabled={sorted.length >= maxMilestones}
                    onClick={() => setAdding(true)}
                    aria-describedby="add-limit"
                  >
                    {t('project.add.submit')}
                  </button>
                  <span id="add-limit" className="muted">
                    {sorted.length >= maxMilestones
                      ? t('project.add.limit', { max: maxMilestones })
                      : t('project.add.atEnd', { date: f.date(last?.dueDate) })}
                  </span>
                </div>
              )
            ) : null}
          </section>

          <ErrorBanner message={files.error?.message} />
          {!archived ? <ChangeOrderBuilder project={project} milestones={sorted} /> : null}
        </div>

        <aside className="project-side" aria-label={t('workspace.project.side')}>
          {!archived ? (
            <SideSection title={t('workspace.share.title')} wide={wide}>
              <SharePanel project={project} onIssued={setIssued} onChanged={refresh} />
            </SideSection>
          ) : null}
          {!archived ? <ProjectReminders projectId={project.id} /> : null}
          <ProjectInvoices project={project} milestones={sorted} />
          <ProjectContract projectId={project.id} />
          <ProjectTerms project={project} />
          <ExportEvidence projectId={project.id} />
          <ProjectCosts project={project} payments={payments} />
          <SideSection title={t('workspace.project.receipts')} wide={wide}>
            <section className="card stack" aria-labelledby="receipts-heading">
              <h2 id="receipts-heading">{t('project.receipts.heading')}</h2>
              <ErrorBanner message={receipts.error?.message} />
              {receipts.data && receipts.data.receipts.length > 0 ? (
                <>
                  <p className="muted">
                    <T
                      id="project.receipts.explain"
                      values={{ client: <bdi>{project.clientName}</bdi> }}
                    />
                  </p>
                  <ReceiptList
                    receipts={receipts.data.receipts}
                    realm="app"
                    label={t('project.receipts.label', { title: project.title })}
                  />
                </>
              ) : receipts.data ? (
                <p className="muted">{t('project.receipts.none')}</p>
              ) : null}
            </section>
          </SideSection>
          {files.data && files.data.files.some((f) => f.status === 'complete') ? (
            <SideSection title={t('workspace.project.downloads')} wide={wide}>
              <DownloadLog downloads={files.data.downloads} files={files.data.files} />
            </SideSection>
          ) : null}
          <SideSection title={t('workspace.project.activity')} wide={wide}>
            {activity.data ? <ActivityPanel projectId={projectId} page={activity.data} /> : null}
            <ErrorBanner message={activity.error?.message} />
          </SideSection>
          <SideSection title={t('workspace.project.archive')} wide={wide}>
            <section className="card stack" aria-labelledby="archive-heading">
              <h2 id="archive-heading">
                {archived ? t('project.archive.archived') : t('project.archive.heading')}
              </h2>
              <p className="muted">
                {archived ? t('project.archive.isArchived') : t('project.archive.explain')}
              </p>
              <div className="actions">
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => void toggleArchive()}
                >
                  {archived ? t('project.archive.unarchive') : t('project.archive.archive')}
                </button>
              </div>
            </section>
          </SideSection>
        </aside>
      </div>
    </>
  );
}

/** True on a screen wide enough for the side column (it follows resizing). */
function useWideScreen(): boolean {
  const query = '(min-width: 960px)';
  const [wide, setWide] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const changed = () => setWide(list.matches);
    list.addEventListener('change', changed);
    return () => list.removeEventListener('change', changed);
  }, []);
  return wide;
}

/** A side-column section: as it is on a wide screen, folded into a disclosure on a phone. */
function SideSection({
  title,
  wide,
  children,
}: {
  title: string;
  wide: boolean;
  children: ReactNode;
}) {
  if (wide) return <>{children}</>;
  return (
    <details className="side-section card">
      <summary>{title}</summary>
      {children}
    </details>
  );
}
