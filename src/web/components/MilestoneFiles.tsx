import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { api, fileDownloadUrl } from '../api';
import { useLimits } from '../auth';
import { srOnly, T, useT, type Translate } from '../i18n';
import { useFormat } from '../i18n/format';
import { toApiError } from '../hooks';
import type { DeliverableFile, Milestone } from '../types';
import {
  addUploads,
  dismiss,
  isActive,
  pause,
  remove,
  resume,
  useUploads,
  type UploadItem,
  type UploadMessage,
  type UploadState,
} from '../uploads';
import { FileHash } from './FileHash';
import { ErrorBanner } from './Notice';

function stateLabel(state: UploadState, t: Translate): string {
  const labels = {
    starting: () => t('files.state.starting'),
    uploading: () => t('files.state.uploading'),
    reconnecting: () => t('files.state.reconnecting'),
    offline: () => t('files.state.offline'),
    paused: () => t('files.state.paused'),
    failed: () => t('files.state.failed'),
    removing: () => t('files.state.removing'),
    done: () => t('files.state.done'),
  } satisfies Record<UploadState, () => string>;
  return labels[state]();
}

/** An upload's note in the person's language (the server's own words pass through). */
export function uploadMessageText(message: UploadMessage, t: Translate): string {
  if ('text' in message) return message.text;
  switch (message.id) {
    case 'sessionEnded':
      return t('files.upload.sessionEnded');
    case 'connectionLost':
      return t('files.upload.connectionLost');
    case 'serverBusy':
      return t('files.upload.serverBusy');
    case 'offline':
      return t('files.upload.offline');
    case 'loaderFailed':
      return t('files.upload.loaderFailed');
    case 'notRemoved':
      return t('files.upload.notRemoved');
    case 'retrying':
      return t('files.upload.retrying');
    case 'retryingIn':
      return t('files.upload.retryingIn', { seconds: message.seconds });
    case 'refused':
      return t('files.upload.refused', { status: message.status });
  }
}

/**
 * A milestone's deliverables on the freelancer's side: while it is open, a drop zone (and a file
 * input) for as many files as the operator allows (five by default), with resumable uploads;
 * always, the files with size, type, SHA-256 and a download link.
 */
export function MilestoneFiles(props: {
  milestone: Milestone;
  projectId: string;
  files: DeliverableFile[];
  readOnly: boolean;
  onChanged: () => Promise<void>;
}) {
  const { milestone, files } = props;
  const { maxFilesPerMilestone, maxFileBytes } = useLimits();
  const uploads = useUploads();
  const t = useT();
  const f = useFormat();
  const [rejection, setRejection] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const open = milestone.status === 'open' && !props.readOnly;
  const headingId = `files-${milestone.id}-heading`;

  const serverIds = new Set(files.map((f) => f.id));
  const completeIds = new Set(files.filter((f) => f.status === 'complete').map((f) => f.id));
  const mine = uploads.filter((u) => u.milestoneId === milestone.id);
  // A finished upload gives way to its row in the listing once the listing has it.
  const shown = mine.filter(
    (u) => !(u.state === 'done' && u.fileId !== null && completeIds.has(u.fileId)),
  );
  const trackedIds = new Set(shown.map((u) => u.fileId).filter((id) => id !== null));
  const listed = files.filter((f) => !(f.status === 'uploading' && trackedIds.has(f.id)));
  const pending = mine.filter((u) =>
    u.fileId === null ? u.state !== 'failed' : !serverIds.has(u.fileId),
  );
  const used = files.length + pending.length;
  const room = Math.max(0, maxFilesPerMilestone - used);

  useEffect(() => {
    for (const u of mine)
      if (u.state === 'done' && u.fileId !== null && completeIds.has(u.fileId)) dismiss(u.key);
  });

  // Say what changed, politely: a finished, paused or stopped upload (never every percent).
  const lastStates = useRef(new Map<string, UploadState>());
  useEffect(() => {
    const said: string[] = [];
    for (const u of mine) {
      const before = lastStates.current.get(u.key);
      if (before !== undefined && before !== u.state) {
        const name = u.name;
        if (u.state === 'done') said.push(t('files.said.done', { name }));
        if (u.state === 'paused') said.push(t('files.said.paused', { name }));
        if (u.state === 'failed')
          said.push(
            t('files.said.failed', {
              name,
              why: u.message ? uploadMessageText(u.message, t) : '',
            }),
          );
        if (u.state === 'offline') said.push(t('files.said.offline', { name }));
      }
      lastStates.current.set(u.key, u.state);
    }
    if (said.length > 0) setAnnouncement(said.join(' '));
  });

  function choose(chosen: File[]) {
    setRejection(null);
    setError(null);
    if (chosen.length === 0) return;
    // Choosing an interrupted file again resumes it: it already has its place.
    const interrupted = listed.filter((f) => f.status === 'uploading');
    const stalled = mine.filter((u) => u.state === 'paused' || u.state === 'failed');
    const fresh = chosen.filter(
      (c) =>
        !interrupted.some((f) => f.name === c.name && f.size === c.size) &&
        !stalled.some((u) => u.fileId !== null && u.name === c.name && u.size === c.size),
    );
    if (fresh.length > room) {
      setRejection(
        room === 0
          ? t('files.reject.full', { max: maxFilesPerMilestone })
          : t('files.reject.tooMany', {
              max: maxFilesPerMilestone,
              chosen: fresh.length,
              room,
            }),
      );
      return;
    }
    const tooLarge = chosen.filter((f) => f.size > maxFileBytes);
    if (tooLarge.length > 0) {
      setRejection(
        t('files.reject.tooLarge', {
          names: tooLarge.map((file) => file.name).join(', '),
          count: tooLarge.length,
          max: f.bytes(maxFileBytes),
        }),
      );
      return;
    }
    const running = new Set(mine.filter((u) => isActive(u.state)).map((u) => u.name));
    const again = chosen.filter((f) => running.has(f.name));
    if (again.length > 0) {
      setRejection(
        t('files.reject.running', {
          names: again.map((file) => file.name).join(', '),
          count: again.length,
        }),
      );
      return;
    }
    // A paused or stopped upload of the same file carries on rather than starting a second one.
    const toAdd: File[] = [];
    for (const file of chosen) {
      const same = stalled.find((u) => u.name === file.name && u.size === file.size);
      if (same === undefined) toAdd.push(file);
      else resume(same.key);
    }
    if (toAdd.length > 0) addUploads(props.projectId, milestone.id, toAdd);
  }

  async function removeListed(file: DeliverableFile) {
    setBusy(true);
    setError(null);
    try {
      await api.removeFile(file.id);
      setConfirming(null);
      setAnnouncement(t('files.said.removed', { name: file.name }));
      await props.onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  if (!open && files.length === 0) {
    return milestone.status === 'delivered' || milestone.status === 'paid' ? (
      <p className="muted">{t('files.noneDelivered')}</p>
    ) : null;
  }

  return (
    <section className="files stack" aria-labelledby={headingId}>
      <h4 id={headingId}>
        {t('files.heading')}{' '}
        <span className="muted">{t('files.count', { used, max: maxFilesPerMilestone })}</span>
      </h4>
      {open ? (
        <DropZone
          milestone={milestone}
          room={room}
          used={used}
          interrupted={listed.some((f) => f.status === 'uploading')}
          onFiles={choose}
        />
      ) : null}
      <ErrorBanner message={rejection ?? error} />

      {shown.length > 0 ? (
        <ul
          className="file-list"
          aria-label={t('files.uploadsLabel', { position: milestone.position })}
        >
          {shown.map((u) => (
            <UploadRow key={u.key} item={u} />
          ))}
        </ul>
      ) : null}

      {listed.length > 0 ? (
        <ul
          className="file-list"
          aria-label={t('files.listLabel', { position: milestone.position })}
        >
          {listed.map((file) => (
            <li key={file.id} className="file-row">
              <div className="file-head">
                <bdi className="file-name">{file.name}</bdi>
                <FileBadge file={file} milestone={milestone} />
              </div>
              <FileFacts file={file} />
              {file.status === 'complete' ? (
                <FileHash sha256={file.sha256} name={file.name} />
              ) : (
                <p className="hint">{t('files.interrupted')}</p>
              )}
              {file.supersededAt !== null ? (
                <p className="hint">{t('files.replacedHint')}</p>
              ) : null}
              {confirming === file.id ? (
                <div
                  className="confirm"
                  role="group"
                  aria-label={t('files.confirmRemoval', { name: file.name })}
                >
                  <p>
                    <T id="files.removeQuestion" values={{ name: <bdi>{file.name}</bdi> }} />
                  </p>
                  <div className="actions">
                    <button
                      type="button"
                      className="button-danger"
                      disabled={busy}
                      onClick={() => void removeListed(file)}
                    >
                      {t('project.milestone.removeYes')}
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => setConfirming(null)}
                    >
                      {t('project.milestone.keep')}
                    </button>
                  </div>
                </div>
              ) : (
                <div className="actions">
                  {file.status === 'complete' ? (
                    <a className="button button-secondary" href={fileDownloadUrl(file.id)} download>
                      <T id="files.download" values={{ name: file.name, hidden: srOnly }} />
                    </a>
                  ) : null}
                  {open && file.supersededAt === null ? (
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => setConfirming(file.id)}
                    >
                      <T id="files.remove" values={{ name: file.name, hidden: srOnly }} />
                    </button>
                  ) : null}
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}

/** Where the file stands for the client: still uploading, ready, locked until paid, unlocked. */
function FileBadge({ file, milestone }: { file: DeliverableFile; milestone: Milestone }) {
  const t = useT();
  if (file.supersededAt !== null)
    return <span className="badge badge-locked">{t('files.badge.replaced')}</span>;
  if (file.status !== 'complete')
    return <span className="badge badge-delivered">{t('files.badge.unfinished')}</span>;
  if (milestone.status === 'delivered')
    return <span className="badge badge-delivered">{t('files.badge.locked')}</span>;
  if (milestone.status === 'paid')
    return <span className="badge badge-paid">{t('files.badge.unlocked')}</span>;
  return <span className="badge badge-open">{t('files.badge.uploaded')}</span>;
}

/** Size, type and time of a file, as a small definition list. */
export function FileFacts({ file }: { file: DeliverableFile }) {
  const t = useT();
  const f = useFormat();
  return (
    <dl className="facts file-facts">
      <div>
        <dt>{t('files.facts.size')}</dt>
        <dd title={f.byteCount(file.size)}>{f.bytes(file.size)}</dd>
      </div>
      <div>
        <dt>{t('files.facts.type')}</dt>
        <dd>{file.type || t('files.facts.unknown')}</dd>
      </div>
      {file.completedAt ? (
        <div>
          <dt>{t('files.facts.uploaded')}</dt>
          <dd>{f.dateTime(file.completedAt)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function DropZone(props: {
  milestone: Milestone;
  room: number;
  used: number;
  /** An interrupted upload is listed: choosing its file again must stay possible. */
  interrupted: boolean;
  onFiles: (files: File[]) => void;
}) {
  const { maxFilesPerMilestone, maxFileBytes } = useLimits();
  const t = useT();
  const f = useFormat();
  const inputId = useId();
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  // A file dropped beside the zone would make the browser open it and leave the page.
  useEffect(() => {
    function keep(event: globalThis.DragEvent) {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    }
    window.addEventListener('dragover', keep);
    window.addEventListener('drop', keep);
    return () => {
      window.removeEventListener('dragover', keep);
      window.removeEventListener('drop', keep);
    };
  }, []);

  function onDragEnter(event: DragEvent<HTMLDivElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  }
  function onDragOver(event: DragEvent<HTMLDivElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = props.room > 0 || props.interrupted ? 'copy' : 'none';
  }
  function onDragLeave() {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  }
  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    props.onFiles([...event.dataTransfer.files]);
  }

  return (
    <div
      className={`dropzone${dragging ? ' is-dragging' : ''}`}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <p className="dropzone-title" aria-hidden="true">
        {dragging ? t('files.drop.now') : t('files.drop.drag')}
      </p>
      <label htmlFor={inputId} className="dropzone-label">
        <T id="files.drop.add" values={{ position: props.milestone.position, hidden: srOnly }} />
      </label>
      <input
        id={inputId}
        type="file"
        multiple
        className="file-input"
        aria-describedby={hintId}
        disabled={props.room === 0 && !props.interrupted}
        onChange={(event) => {
          const chosen = [...(event.target.files ?? [])];
          // Cleared, so choosing the same file again (to resume it) fires a change.
          event.target.value = '';
          props.onFiles(chosen);
        }}
      />
      <p id={hintId} className="hint">
        {t('files.drop.limits', { max: maxFilesPerMilestone, size: f.bytes(maxFileBytes) })}{' '}
        {props.room === 0
          ? props.interrupted
            ? t('files.drop.fullInterrupted')
            : t('files.drop.full')
          : t('files.drop.room', {
              used: props.used,
              max: maxFilesPerMilestone,
              room: props.room,
            })}{' '}
        {t('files.drop.resumes')}
      </p>
    </div>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  const t = useT();
  const f = useFormat();
  const progressId = useId();
  const percent =
    item.size === 0
      ? item.state === 'done'
        ? 100
        : 0
      : Math.min(100, Math.floor((item.bytesSent / item.size) * 100));
  const canPause =
    item.fileId !== null && (item.state === 'uploading' || item.state === 'reconnecting');
  const canResume = item.state === 'paused' || item.state === 'failed' || item.state === 'offline';
  const badge =
    item.state === 'failed'
      ? 'badge-danger'
      : item.state === 'paused' || item.state === 'offline'
        ? 'badge-delivered'
        : 'badge-open';
  return (
    <li className="file-row upload-row">
      <div className="file-head">
        <bdi className="file-name">{item.name}</bdi>
        <span className={`badge ${badge}`}>{stateLabel(item.state, t)}</span>
      </div>
      <label htmlFor={progressId} className="visually-hidden">
        {t('files.progressOf', { name: item.name })}
      </label>
      <progress id={progressId} className="upload-progress" max={100} value={percent}>
        {percent}%
      </progress>
      <p className="upload-meta">
        <span className="nowrap">{percent}%</span> ·{' '}
        <span className="nowrap">
          {t('files.sentOf', { sent: f.bytes(item.bytesSent), size: f.bytes(item.size) })}
        </span>
        {item.rate !== null && item.state === 'uploading' ? (
          <>
            {' '}
            · <span className="nowrap">{t('files.rate', { rate: f.bytes(item.rate) })}</span>
          </>
        ) : null}
        {item.resumed ? <> · {t('files.resumed')}</> : null}
      </p>
      {item.message ? (
        <p className={item.state === 'failed' ? 'field-error' : 'hint'}>
          {uploadMessageText(item.message, t)}
        </p>
      ) : null}
      <div className="actions">
        {canPause ? (
          <button type="button" className="button-secondary" onClick={() => pause(item.key)}>
            <T id="files.pause" values={{ name: item.name, hidden: srOnly }} />
          </button>
        ) : null}
        {canResume ? (
          <button type="button" className="button-secondary" onClick={() => resume(item.key)}>
            <T id="files.resume" values={{ name: item.name, hidden: srOnly }} />
          </button>
        ) : null}
        <button
          type="button"
          className="button-secondary"
          disabled={item.state === 'removing' || item.state === 'done'}
          onClick={() => void remove(item.key)}
        >
          <T id="files.remove" values={{ name: item.name, hidden: srOnly }} />
        </button>
      </div>
    </li>
  );
}
