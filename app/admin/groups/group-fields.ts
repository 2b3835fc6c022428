import { z } from "zod";

/** The fields of a group's create and rename forms. */
export const groupFields = {
  name: z.string().trim().min(1, "Enter a group name").max(120, "Use at most 120 characters"),
  description: z.string().trim().max(500, "Use at most 500 characters").optional(),
};
