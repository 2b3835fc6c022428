import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A free local TCP port (asked of the OS, then released for Apache to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const MODULES = "/usr/lib/apache2/modules";

/**
 * Apache httpd with mod_auth_openidc — a relying party nobody here wrote — on a local port, with a
 * configuration written here: /protected/ is an SSI page showing the preferred_username and amr
 * claims mod_auth_openidc received; /loggedout.html is where a logout ends.
 */
export async function startApacheRelyingParty(options: { port: number; issuer: string; clientId: string; clientSecret: string }): Promise<{ stop: () => Promise<void>; errorLog: () => string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apache-rp-"));
  const docs = path.join(dir, "htdocs");
  fs.mkdirSync(path.join(docs, "protected"), { recursive: true });
  fs.writeFileSync(
    path.join(docs, "protected", "index.shtml"),
    `<!doctype html><html><body><h1>Protected page</h1>
<p>preferred_username: <span id="upn"><!--#echo var="OIDC_CLAIM_preferred_username" --></span></p>
<p>amr: <span id="amr"><!--#echo var="OIDC_CLAIM_amr" --></span></p>
</body></html>\n`,
  );
  fs.writeFileSync(path.join(docs, "loggedout.html"), "<!doctype html><html><body><h1>Logged out of the app</h1></body></html>\n");
  // Apache drops root for this user; it must read the documents.
  for (const p of [dir, docs, path.join(docs, "protected")]) fs.chmodSync(p, 0o755);
  const origin = `http://localhost:${options.port}`;
  const config = `
ServerRoot "${dir}"
ServerName localhost
Listen 127.0.0.1:${options.port}
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/error.log"
LogLevel warn auth_openidc:info
User daemon
Group daemon
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule mime_module ${MODULES}/mod_mime.so
LoadModule dir_module ${MODULES}/mod_dir.so
LoadModule include_module ${MODULES}/mod_include.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
TypesConfig /etc/mime.types
DocumentRoot "${docs}"
DirectoryIndex index.shtml index.html
<Directory "${docs}">
  Require all granted
  Options +Includes
  AddType text/html .shtml
  AddOutputFilter INCLUDES .shtml
</Directory>

OIDCProviderMetadataURL ${options.issuer}/.well-known/openid-configuration
OIDCClientID ${options.clientId}
OIDCClientSecret ${options.clientSecret}
OIDCRedirectURI ${origin}/protected/redirect_uri
OIDCCryptoPassphrase ${crypto.randomBytes(24).toString("hex")}
OIDCScope "openid profile email"
OIDCPKCEMethod S256
OIDCSSLValidateServer Off
OIDCPassClaimsAs environment
OIDCDefaultLoggedOutURL ${origin}/loggedout.html
<Location /protected>
  AuthType openid-connect
  Require valid-user
</Location>
`;
  const configFile = path.join(dir, "httpd.conf");
  fs.writeFileSync(configFile, config);
  const apache: ChildProcess = spawn("/usr/sbin/apache2", ["-f", configFile, "-DFOREGROUND"], { stdio: ["ignore", "inherit", "inherit"] });
  // Ready when it answers.
  for (let attempt = 0; attempt < 100; attempt++) {
    if (apache.exitCode !== null) throw new Error(`apache2 exited: ${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : ""}`);
    try {
      await fetch(`${origin}/loggedout.html`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    errorLog: () => (fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : ""),
    stop: () =>
      new Promise((resolve) => {
        if (apache.exitCode !== null) return resolve();
        apache.once("exit", () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        apache.kill("SIGTERM");
      }),
  };
}
