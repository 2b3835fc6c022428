import crypto from "node:crypto";
import { newPasswordProblem } from "../users/password-rules";

// No look-alike characters (0/O, 1/l/I): the admin reads it out or types it for the person.
const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const GROUPS = 4;
const GROUP_LENGTH = 5;

/**
 * A one-time password for a new user or a reset: 20 random characters (about 115 bits) in
 * groups of five, checked against the same rules a person's own password must pass. Shown to
 * the admin once, never stored in clear nor audited.
 */
export function generateTemporaryPassword(options: { upn: string }): string {
  for (;;) {
    const groups = Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join(""),
    );
    const password = groups.join("-");
    if (!newPasswordProblem({ password, upn: options.upn })) return password;
  }
}
