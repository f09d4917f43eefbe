import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';
import type { ReactNode } from 'react';

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
