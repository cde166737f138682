// Container logs as plain text. Without a TTY the engine multiplexes stdout and
// stderr in 8-byte-framed chunks; we split them back into lines.
import { docker } from "./client.ts";

export function demux(buf: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const kind = buf[i];
    const size = buf.readUInt32BE(i + 4);
    if (kind === undefined || kind > 2 || buf[i + 1] !== 0 || i + 8 + size > buf.length) {
      // Not framed (a TTY container): take the rest as is.
      out.push(buf.subarray(i));
      return Buffer.concat(out).toString("utf8");
    }
    out.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i < buf.length) out.push(buf.subarray(i));
  return Buffer.concat(out).toString("utf8");
}

export async function containerLogs(id: string, opts: { tail?: number } = {}): Promise<string> {
  const raw = (await docker()
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false, tail: opts.tail ?? 2000 })) as unknown as Buffer;
  return demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}

export function lastLines(text: string, n: number): string[] {
  return text.split("\n").filter((l) => l.trim() !== "").slice(-n);
}
