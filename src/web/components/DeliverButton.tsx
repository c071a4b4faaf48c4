import { useT } from '../i18n';
import type { DeliverableFile, Milestone } from '../types';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * "Mark delivered", asked once: it tells the client at once and the files can no longer be
 * removed; delivering with no files says so too.
 */
export function DeliverButton(props: {
  milestone: Milestone;
  clientName: string;
  /** The milestone's files, or undefined while they load. */
  files: DeliverableFile[] | undefined;
  disabled?: boolean;
  onDeliver: () => Promise<void>;
}) {
  const t = useT();
  const { milestone } = props;
  const complete = (props.files ?? []).filter((f) => f.status === 'complete').length;
  const consequences = [
    t('workspace.deliver.tells', { client: props.clientName }),
    t('workspace.deliver.noRemoval'),
  ];
  if (props.files !== undefined && complete === 0)
    consequences.unshift(t('workspace.deliver.noFiles', { client: props.clientName }));
  return (
    <ConfirmDialog
      trigger={
        <button type="button" disabled={props.disabled}>
          {t('workspace.deliver.button')}
        </button>
      }
      title={
        complete === 0 && props.files !== undefined
          ? t('workspace.deliver.titleNoFiles', { position: milestone.position })
          : t('workspace.deliver.title', { position: milestone.position, count: complete })
      }
      consequences={consequences}
      confirmLabel={t('workspace.deliver.confirm')}
      onConfirm={props.onDeliver}
    />
  );
}
