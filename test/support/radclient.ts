import { execFile } from "node:child_process";

/** What FreeRADIUS's radclient saw: the answer's code and attributes, or no answer at all. */
export type RadclientReply = { code: string | null; attributes: Record<string, string>; output: string };

/**
 * Sends one Access-Request with Debian's radclient (freeradius-utils) — a RADIUS client nobody
 * here wrote — and reads its debug output. Attributes are written as radclient reads them
 * (`User-Name = "x"`); `Message-Authenticator = 0x00` makes radclient compute one.
 */
export function radclient(options: {
  port: number;
  secret: string;
  attributes: string[];
  timeoutSeconds?: number;
  /**
   * How many times radclient sends the request before giving up (3 by default, as a NAS
   * retransmits). A retransmission is answered from the server's duplicate cache, so a slow first
   * answer on a loaded machine is not a lost one; pass 1 where a test counts dropped datagrams.
   */
  tries?: number;
}): Promise<RadclientReply> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "/usr/bin/radclient",
      ["-x", "-r", String(options.tries ?? 3), "-t", String(options.timeoutSeconds ?? 3), `127.0.0.1:${options.port}`, "auth", options.secret],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        const received = /Received (Access-\w+) Id/.exec(output);
        if (error && !/No reply from server/.test(output) && !received) return reject(new Error(`radclient failed: ${output}`));
        const attributes: Record<string, string> = {};
        if (received) {
          const answer = output.slice(received.index);
          for (const match of answer.matchAll(/^\s+([A-Za-z-]+) = (.*)$/gm)) {
            const value = match[2].trim().replace(/^"(.*)"$/, "$1");
            attributes[match[1]] = attributes[match[1]] ? `${attributes[match[1]]}\n${value}` : value;
          }
        }
        resolve({ code: received?.[1] ?? null, attributes, output });
      },
    );
    child.stdin?.end(options.attributes.join(", ") + "\n");
  });
}
