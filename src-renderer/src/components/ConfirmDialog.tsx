import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';

/**
 * Where keyboard focus was when the dialog opened, given back when it closes: opened from code
 * (not a DialogTrigger), Fluent leaves focus on the page's body, and a keyboard user starts over.
 */
function useFocusGivenBack(open: boolean): void {
  const [opener, setOpener] = useState<HTMLElement | null>(null);
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    // Read as the dialog opens, before it takes the focus (derived state, set during render).
    setWasOpen(open);
    if (open) setOpener(document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null);
  }
  useEffect(() => {
    if (open || opener === null) return;
    // After the dialog's own focus handling has let go; an opener the confirmed action disabled
    // for a moment (a switch while it saves) is waited for, up to two seconds.
    let tries = 0;
    let t: ReturnType<typeof setTimeout>;
    const giveBack = () => {
      if (opener.isConnected && (opener as HTMLButtonElement).disabled === true && tries++ < 40) {
        t = setTimeout(giveBack, 50);
        return;
      }
      // Not if the admin has moved on meanwhile (focus somewhere else on the page, on purpose);
      // the closing dialog itself, or nothing, is not somewhere.
      const active = document.activeElement;
      const movedOn = active !== null && active !== document.body && active.closest('[role="dialog"], [role="alertdialog"]') === null;
      if (opener.isConnected && !movedOn) opener.focus();
      setOpener(null);
    };
    t = setTimeout(giveBack, 0);
    return () => clearTimeout(t);
  }, [open, opener]);
}

/** A yes/no question before something that changes data. Escape and the Cancel button close it. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  useFocusGivenBack(props.open);
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => (d.open ? null : props.onCancel())} modalType="alert">
      <DialogSurface>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!props.confirmDisabled) props.onConfirm();
          }}
        >
          <DialogBody>
            <DialogTitle>{props.title}</DialogTitle>
            <DialogContent style={{ display: 'grid', gap: 12 }}>{props.children}</DialogContent>
            <DialogActions>
              <Button onClick={props.onCancel}>Cancel</Button>
              <Button
                type="submit"
                appearance="primary"
                disabled={props.confirmDisabled}
                style={props.danger ? { background: 'var(--colorPaletteRedBackground3)', borderColor: 'transparent' } : undefined}
              >
                {props.confirmLabel}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
