import { Button } from "./button";
import { FormMessage } from "./form-message";

/** The foot of a dialog's form: Cancel, then the submit button (disabled while the server answers). */
export function DialogActions({ close, pending, label, pendingLabel }: { close: () => void; pending: boolean; label: string; pendingLabel: string }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button type="button" variant="secondary" onClick={close}>Cancel</Button>
      <Button type="submit" disabled={pending}>{pending ? pendingLabel : label}</Button>
    </div>
  );
}

/** A dialog's last step: what was done (announced), and Done to close it. */
export function DialogDone({ message, close }: { message: string; close: () => void }) {
  return (
    <div className="space-y-3">
      <FormMessage success={message} />
      <div className="flex justify-end"><Button type="button" onClick={close}>Done</Button></div>
    </div>
  );
}
