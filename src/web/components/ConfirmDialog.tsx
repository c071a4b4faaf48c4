import { AlertDialog } from 'radix-ui';
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n';

/**
 * An irreversible step asked once: the trigger opens a dialog that says what will happen; only
 * its confirm button does it. Focus starts on "Cancel" (Radix AlertDialog), Escape cancels.
 */
export function ConfirmDialog(props: {
  /** The button that opens the dialog. */
  trigger: ReactNode;
  title: string;
  /** What will happen, in plain words; each entry its own paragraph. */
  consequences: ReactNode[];
  confirmLabel: string;
  /** Runs the step; the dialog closes when it resolves, and stays open (showing why) if it throws. */
  onConfirm: () => Promise<void>;
  danger?: boolean;
  /** Open it from elsewhere (a form's submit button, say) rather than through `trigger`. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
}) {
  const t = useT();
  const [ownOpen, setOwnOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const open = props.open ?? ownOpen;
  const setOpen = (next: boolean) => {
    if (props.onOpenChange) props.onOpenChange(next);
    else setOwnOpen(next);
  };
  async function confirm() {
    setBusy(true);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch {
      // The caller shows the error beside the step; the dialog closes so it can be read.
      setOpen(false);
    } finally {
      setBusy(false);
    }
  }
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      {props.open === undefined ? (
        <AlertDialog.Trigger asChild>{props.trigger}</AlertDialog.Trigger>
      ) : (
        props.trigger
      )}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog-content">
          <AlertDialog.Title asChild>
            <h2>{props.title}</h2>
          </AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="stack">
              {props.consequences.map((text, i) => (
                <p key={i}>{text}</p>
              ))}
            </div>
          </AlertDialog.Description>
          <div className="actions">
            <AlertDialog.Action asChild>
              <button
                type="button"
                className={props.danger ? 'button-danger' : undefined}
                disabled={busy}
                onClick={(event) => {
                  // Keep it open until the step is done.
                  event.preventDefault();
                  void confirm();
                }}
              >
                {props.confirmLabel}
              </button>
            </AlertDialog.Action>
            <AlertDialog.Cancel asChild>
              <button type="button" className="button-secondary">
                {t('common.cancel')}
              </button>
            </AlertDialog.Cancel>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
