"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { currentClientInfo } from "@/lib/server/request-context";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { deleteTokenImport } from "@/lib/tokens/import/token-import-results";

/** Deletes an upload result (the imported tokens stay). */
export const deleteUploadResult = validatedAction(
  { access: "tokens.upload", schema: z.object({ importId: z.string().min(1).max(64) }) },
  async ({ importId }, { user }) => {
    const { ipAddress } = await currentClientInfo();
    const result = await deleteTokenImport({ db: getDb(), importId, actor: { id: user.id, upn: user.upn, ipAddress } });
    if (!result.ok) return { error: result.reason };
    revalidatePath("/admin/tokens/uploads");
    return { success: "Upload result deleted. The tokens it imported stay in the inventory." };
  },
);
