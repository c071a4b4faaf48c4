import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { api, fileDownloadUrl } from '../api';
import { useLimits } from '../auth';
import { formatByteCount, formatBytes, formatDateTime, formatRate } from '../format';
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
  type UploadState,
} from '../uploads';
import { FileHash } from './FileHash';
import { ErrorBanner } from './Notice';

const STATE_LABELS: Record<UploadState, string> = {
  starting: 'Starting',
  uploading: 'Uploading',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  paused: 'Paused',
  failed: 'Stopped',
  removing: 'Removing',
  done: 'Finishing',
};

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
        if (u.state === 'done') said.push(`${u.name} uploaded.`);
        if (u.state === 'paused') said.push(`Upload of ${u.name} paused.`);
        if (u.state === 'failed') said.push(`Upload of ${u.name} stopped: ${u.message ?? ''}`);
        if (u.state === 'offline') said.push(`Upload of ${u.name} waits for the connection.`);
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
          ? `A milestone holds at most ${maxFilesPerMilestone} files, and this one is full. Remove a file to add another.`
          : `A milestone holds at most ${maxFilesPerMilestone} files. You chose ${fresh.length}, but only ${room} more ${room === 1 ? 'fits' : 'fit'}. Nothing was added.`,
      );
      return;
    }
    const tooLarge = chosen.filter((f) => f.size > maxFileBytes);
    if (tooLarge.length > 0) {
      setRejection(
        `${tooLarge.map((f) => f.name).join(', ')} ${tooLarge.length === 1 ? 'is' : 'are'} larger than ${formatBytes(maxFileBytes)}, the most a file may be. Nothing was added.`,
      );
      return;
    }
    const running = new Set(mine.filter((u) => isActive(u.state)).map((u) => u.name));
    const again = chosen.filter((f) => running.has(f.name));
    if (again.length > 0) {
      setRejection(
        `${again.map((f) => f.name).join(', ')} ${again.length === 1 ? 'is' : 'are'} already uploading.`,
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
      setAnnouncement(`${file.name} removed.`);
      await props.onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  if (!open && files.length === 0) {
    return milestone.status === 'delivered' || milestone.status === 'paid' ? (
      <p className="muted">No files were delivered with this milestone.</p>
    ) : null;
  }

  return (
    <section className="files stack" aria-labelledby={headingId}>
      <h4 id={headingId}>
        Files{' '}
        <span className="muted">
          ({used} of {maxFilesPerMilestone})
        </span>
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
          aria-label={`Uploads in progress for milestone ${milestone.position}`}
        >
          {shown.map((u) => (
            <UploadRow key={u.key} item={u} />
          ))}
        </ul>
      ) : null}

      {listed.length > 0 ? (
        <ul className="file-list" aria-label={`Files of milestone ${milestone.position}`}>
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
                <p className="hint">
                  This upload was interrupted. Choose the same file again to continue where it
                  stopped, or remove it.
                </p>
              )}
              {confirming === file.id ? (
                <div
                  className="confirm"
                  role="group"
                  aria-label={`Confirm removal of ${file.name}`}
                >
                  <p>
                    Remove “<bdi>{file.name}</bdi>” from this milestone? Its bytes are deleted.
                  </p>
                  <div className="actions">
                    <button
                      type="button"
                      className="button-danger"
                      disabled={busy}
                      onClick={() => void removeListed(file)}
                    >
                      Yes, remove it
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => setConfirming(null)}
                    >
                      Keep it
                    </button>
                  </div>
                </div>
              ) : (
                <div className="actions">
                  {file.status === 'complete' ? (
                    <a className="button button-secondary" href={fileDownloadUrl(file.id)} download>
                      Download<span className="visually-hidden"> {file.name}</span>
                    </a>
                  ) : null}
                  {open ? (
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => setConfirming(file.id)}
                    >
                      Remove<span className="visually-hidden"> {file.name}</span>
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
  if (file.status !== 'complete') return <span className="badge badge-delivered">Unfinished</span>;
  if (milestone.status === 'delivered')
    return <span className="badge badge-delivered">Locked until paid</span>;
  if (milestone.status === 'paid') return <span className="badge badge-paid">Unlocked</span>;
  return <span className="badge badge-open">Uploaded</span>;
}

/** Size, type and time of a file, as a small definition list. */
export function FileFacts({ file }: { file: DeliverableFile }) {
  return (
    <dl className="facts file-facts">
      <div>
        <dt>Size</dt>
        <dd title={formatByteCount(file.size)}>{formatBytes(file.size)}</dd>
      </div>
      <div>
        <dt>Type</dt>
        <dd>{file.type || 'Unknown'}</dd>
      </div>
      {file.completedAt ? (
        <div>
          <dt>Uploaded</dt>
          <dd>{formatDateTime(file.completedAt)}</dd>
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
        {dragging ? 'Drop to upload' : 'Drag files here, or'}
      </p>
      <label htmlFor={inputId} className="dropzone-label">
        Add files<span className="visually-hidden"> to milestone {props.milestone.position}</span>
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
        Up to {maxFilesPerMilestone} files per milestone, {formatBytes(maxFileBytes)} each.{' '}
        {props.room === 0
          ? props.interrupted
            ? 'This milestone is full: choose an interrupted file again to finish it, or remove a file.'
            : 'This milestone is full: remove a file to add another.'
          : `${props.used} of ${maxFilesPerMilestone} used, ${props.room} more can be added.`}{' '}
        An interrupted upload resumes where it stopped.
      </p>
    </div>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
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
        <span className={`badge ${badge}`}>{STATE_LABELS[item.state]}</span>
      </div>
      <label htmlFor={progressId} className="visually-hidden">
        Upload progress of {item.name}
      </label>
      <progress id={progressId} className="upload-progress" max={100} value={percent}>
        {percent}%
      </progress>
      <p className="upload-meta">
        <span className="nowrap">{percent}%</span> ·{' '}
        <span className="nowrap">
          {formatBytes(item.bytesSent)} of {formatBytes(item.size)}
        </span>
        {item.rate !== null && item.state === 'uploading' ? (
          <>
            {' '}
            · <span className="nowrap">{formatRate(item.rate)}</span>
          </>
        ) : null}
        {item.resumed ? <> · resumed from an earlier upload</> : null}
      </p>
      {item.message ? (
        <p className={item.state === 'failed' ? 'field-error' : 'hint'}>{item.message}</p>
      ) : null}
      <div className="actions">
        {canPause ? (
          <button type="button" className="button-secondary" onClick={() => pause(item.key)}>
            Pause<span className="visually-hidden"> upload of {item.name}</span>
          </button>
        ) : null}
        {canResume ? (
          <button type="button" className="button-secondary" onClick={() => resume(item.key)}>
            Resume<span className="visually-hidden"> upload of {item.name}</span>
          </button>
        ) : null}
        <button
          type="button"
          className="button-secondary"
          disabled={item.state === 'removing' || item.state === 'done'}
          onClick={() => void remove(item.key)}
        >
          Remove<span className="visually-hidden"> {item.name}</span>
        </button>
      </div>
    </li>
  );
}
