import { hash, verify } from "@node-rs/argon2";

// argon2id (the library's default algorithm; its enum is a const enum we can't import) with
// OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane (A3). Stored hashes start $argon2id$.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

// A hash of a random value, verified when the user doesn't exist so that an unknown UPN costs
// the same time as a wrong password (A2).
let decoyHash: Promise<string> | undefined;

/** Checks a password against a stored hash, or spends the same time against a decoy when there is none. */
export async function verifyPassword(options: { passwordHash: string | null; password: string }): Promise<boolean> {
  decoyHash ??= hashPassword(crypto.randomUUID());
  const stored = options.passwordHash ?? (await decoyHash);
  try {
    const matches = await verify(stored, options.password);
    return matches && options.passwordHash !== null;
  } catch {
    return false;
  }
}
