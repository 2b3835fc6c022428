import type { Database } from "../../lib/db/client";
import { finishPasskeyRegistration, startPasskeyRegistration } from "../../lib/methods/passkey-registration";
import { makeSecurityInfoActor } from "./factories";
import type { SoftAuthenticator, SoftPasskey } from "./soft-authenticator";

/**
 * Registers a passkey for the user through Security info's own functions (fresh MFA, options,
 * the authenticator's real attestation bytes, the checks), as the person would in the browser.
 */
export async function registerPasskey(options: { db: Database; user: { id: string; upn: string }; authenticator: SoftAuthenticator; name: string }): Promise<{ passkey: SoftPasskey; passkeyId: string }> {
  const { db, authenticator, name } = options;
  const actor = await makeSecurityInfoActor(options.user);
  const started = await startPasskeyRegistration({ db, actor });
  if (!started.ok) throw new Error(started.reason);
  const { response, passkey } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
  const finished = await finishPasskeyRegistration({ db, actor, name, response: response as never });
  if (!finished.ok) throw new Error(finished.reason);
  return { passkey, passkeyId: finished.passkeyId };
}
