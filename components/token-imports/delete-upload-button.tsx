"use client";

import { useActionState } from "react";
import { deleteUploadResult } from "@/app/admin/tokens/uploads/actions";
import { FormMessage } from "@/components/ui/form-message";

export function DeleteUploadButton({ importId, fileName }: { importId: string; fileName: string }) {
  const [state, action, pending] = useActionState(deleteUploadResult, {});
  return (
    <form action={action} onSubmit={(e) => { if (!confirm(`Delete the result of ${fileName}? The imported tokens stay.`)) e.preventDefault(); }}>
      <input type="hidden" name="importId" value={importId} />
      <button type="submit" disabled={pending} className="text-sm text-red-700 hover:underline" aria-label={`Delete the result of ${fileName}`}>Delete</button>
      <FormMessage error={state?.error} />
    </form>
  );
}
