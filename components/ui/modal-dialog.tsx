"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button } from "./button";

/**
 * A button that opens a modal <dialog>: the browser traps focus in it, Escape closes it and focus
 * returns to the button. The content mounts only while open, so each opening starts afresh.
 */
export function DialogButton({
  label,
  title,
  variant = "secondary",
  buttonLabel,
  children,
}: {
  label: string;
  title: string;
  variant?: "primary" | "secondary" | "link";
  /** accessible name of the opening button when `label` alone is ambiguous (e.g. "Delete") */
  buttonLabel?: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog && !dialog.open) dialog.showModal();
    if (!open && dialog?.open) dialog.close();
  }, [open]);
  const close = () => setOpen(false);
  return (
    <>
      <Button type="button" variant={variant} aria-label={buttonLabel} aria-haspopup="dialog" onClick={() => setOpen(true)}>{label}</Button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        onClose={close}
        className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        {open ? (
          <div className="space-y-4 p-5 sm:p-6">
            <div className="flex items-start justify-between gap-4">
              <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
              <button type="button" onClick={close} aria-label="Close" className="rounded px-2 text-xl leading-none text-slate-600 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600">×</button>
            </div>
            {children(close)}
          </div>
        ) : null}
      </dialog>
    </>
  );
}
