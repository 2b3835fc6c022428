"use client";

import Link from "next/link";
import type { FindTokenState } from "@/app/admin/tokens/find/actions";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { tokenStatusLabel } from "./token-words";

/** "Find token by code": type the code a token shows, get its serial number and holder. */
export function FindTokenForm({ manufacturers, action }: { manufacturers: string[]; action: (previous: FindTokenState | undefined, formData: FormData) => Promise<FindTokenState> }) {
  const [state, form, pending] = useFormAction<FindTokenState>(action, {});
  return (
    <div className="space-y-4">
      <form {...form} className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <TextField label="Code shown on the token" name="code" inputMode="numeric" autoComplete="off" data-secret required maxLength={64} errors={state.fieldErrors?.code} />
        <SelectField label="Manufacturer (faster)" name="manufacturer" defaultValue="" options={[{ value: "", label: "Any manufacturer" }, ...manufacturers.map((m) => ({ value: m, label: m }))]} />
        <Button type="submit" disabled={pending}>{pending ? "Searching…" : "Find token"}</Button>
      </form>
      <FormMessage error={state.error} success={state.success} />
      {state.matches?.length ? (
        <DataTable
          caption="Tokens showing this code"
          rows={state.matches}
          rowKey={(token) => token.id}
          columns={[
            { label: "Serial number", cell: (token) => <Link href={`/admin/tokens/${token.id}`} className="text-blue-700 hover:underline">{token.serialNumber}</Link>, className: "font-mono", phone: "title" },
            { label: "User", cell: (token) => (token.user ? `${token.user.displayName} (${token.user.upn})` : "—") },
            { label: "Manufacturer", cell: (token) => token.manufacturer },
            { label: "Model", cell: (token) => token.model },
            { label: "Status", cell: (token) => tokenStatusLabel(token.status) },
          ]}
        />
      ) : null}
    </div>
  );
}
