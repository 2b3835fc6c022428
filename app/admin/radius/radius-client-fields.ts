import { z } from "zod";
import { RADIUS_STYLES } from "@/lib/radius/radius-clients";

/** How many group → Filter-Id rows the registration form offers. */
export const FILTER_ID_ROWS = 3;

const filterIdRow = (n: number) => ({
  [`filterGroup${n}`]: z.string().trim().max(64).optional(),
  [`filterId${n}`]: z
    .string()
    .trim()
    .max(253, "A Filter-Id holds at most 253 characters")
    .regex(/^[\x20-\x7e]*$/, "Use printable ASCII characters in a Filter-Id (what VPNs expect)")
    .optional(),
});

/** The fields of the RADIUS client registration form. */
export const radiusClientSchema = z.object({
  name: z.string().trim().min(1, "Enter a name (e.g. the VPN's host name)").max(120, "Use at most 120 characters"),
  address: z.string().trim().min(1, "Enter the client's IP address or CIDR range").max(64, "Use at most 64 characters"),
  style: z.enum(RADIUS_STYLES, { message: "Choose how the client asks for the code" }),
  requireMessageAuthenticator: z.literal("on").optional(),
  ...filterIdRow(1),
  ...filterIdRow(2),
  ...filterIdRow(3),
});
