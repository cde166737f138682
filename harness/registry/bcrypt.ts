// bcrypt ($2b$), enough to write an htpasswd file the registry accepts: its
// htpasswd auth only understands bcrypt, Node's crypto has no bcrypt, and we add
// no dependency for one throwaway password per run.
//
// Blowfish starts from the hexadecimal digits of pi (18 P-array words, then
// 4 x 256 S-box words). Rather than pasting 1042 constants we compute them once
// with Machin's formula in BigInt arithmetic, which takes a few milliseconds.
import { randomBytes } from "node:crypto";

const WORDS = 18 + 4 * 256;

/** The first `words` 32-bit words of the fractional part of pi. */
export function piFractionWords(words: number): Uint32Array {
  const guard = 64n;
  const bits = BigInt(words * 32) + guard;
  const one = 1n << bits;
  // arctan(1/x) * 2^bits, by its alternating series.
  const arctanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let power = one / x;
    let sum = power;
    for (let k = 1n; power !== 0n; k++) {
      power /= x2;
      const term = power / (2n * k + 1n);
      sum += k % 2n === 1n ? -term : term;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  let frac = (pi - (3n << bits)) >> guard;
  const out = new Uint32Array(words);
  for (let i = words - 1; i >= 0; i--) {
    out[i] = Number(frac & 0xffffffffn);
    frac >>= 32n;
  }
  return out;
}

let initial: Uint32Array | undefined;

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    initial ??= piFractionWords(WORDS);
    this.p = initial.slice(0, 18);
    this.s = initial.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    const a = s[x >>> 24]!;
    const b = s[256 + ((x >>> 16) & 0xff)]!;
    const c = s[512 + ((x >>> 8) & 0xff)]!;
    const d = s[768 + (x & 0xff)]!;
    return ((((a + b) >>> 0) ^ c) + d) >>> 0;
  }

  /** Enciphers the block lr[off], lr[off+1] in place. */
  encipher(lr: Uint32Array, off: number): void {
    const p = this.p;
    let l = lr[off]!;
    let r = lr[off + 1]!;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ p[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ p[i + 1]!) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    lr[off] = (r ^ p[17]!) >>> 0;
    lr[off + 1] = (l ^ p[16]!) >>> 0;
  }

  /** The eksblowfish key schedule step; `salt` undefined means "expand with zeros". */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    const keyStream = streamOf(key);
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ keyStream()) >>> 0;
    const saltStream = salt ? streamOf(salt) : () => 0;
    const lr = new Uint32Array(2);
    const fill = (target: Uint32Array) => {
      for (let i = 0; i < target.length; i += 2) {
        lr[0] = (lr[0]! ^ saltStream()) >>> 0;
        lr[1] = (lr[1]! ^ saltStream()) >>> 0;
        this.encipher(lr, 0);
        target[i] = lr[0]!;
        target[i + 1] = lr[1]!;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

/** Reads 32-bit big-endian words from `data`, wrapping around at its end. */
function streamOf(data: Uint8Array): () => number {
  let j = 0;
  return () => {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      w = ((w << 8) | data[j]!) >>> 0;
      j = (j + 1) % data.length;
    }
    return w;
  };
}

const ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's own base64 (different alphabet, no padding). */
export function bcryptBase64(bytes: Uint8Array, length: number): string {
  let out = "";
  let i = 0;
  while (i < bytes.length && out.length < length) {
    const c1 = bytes[i++]!;
    out += ALPHABET[c1 >> 2];
    let acc = (c1 & 0x03) << 4;
    if (i >= bytes.length) {
      out += ALPHABET[acc];
      break;
    }
    const c2 = bytes[i++]!;
    out += ALPHABET[acc | (c2 >> 4)];
    acc = (c2 & 0x0f) << 2;
    if (i >= bytes.length) {
      out += ALPHABET[acc];
      break;
    }
    const c3 = bytes[i++]!;
    out += ALPHABET[acc | (c3 >> 6)];
    out += ALPHABET[c3 & 0x3f];
  }
  return out.slice(0, length);
}

export function bcryptBase64Decode(text: string, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not a bcrypt base64 character: ${ch}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < byteLength) out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const MAGIC = new TextEncoder().encode("OrpheanBeholderScryDoubt");

/**
 * bcrypt of `password` with `salt` (16 bytes) and `cost` (4..31): the
 * "$2b$NN$<22 salt chars><31 hash chars>" string htpasswd files hold.
 */
export function bcrypt(password: string, cost = 5, salt: Uint8Array = randomBytes(16)): string {
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error(`bcrypt cost must be 4..31, not ${cost}`);
  if (salt.length !== 16) throw new Error("bcrypt salt must be 16 bytes");
  const pw = new TextEncoder().encode(password);
  // The key is the password with its terminating NUL, at most 72 bytes ($2b$).
  const key = new Uint8Array(Math.min(pw.length + 1, 72));
  key.set(pw.subarray(0, key.length - 1));

  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0, rounds = 2 ** cost; i < rounds; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const words = new Uint32Array(6);
  const magic = streamOf(MAGIC);
  for (let i = 0; i < 6; i++) words[i] = magic();
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) bf.encipher(words, j);
  const out = new Uint8Array(24);
  for (let i = 0; i < 6; i++) {
    out[4 * i] = words[i]! >>> 24;
    out[4 * i + 1] = (words[i]! >>> 16) & 0xff;
    out[4 * i + 2] = (words[i]! >>> 8) & 0xff;
    out[4 * i + 3] = words[i]! & 0xff;
  }
  return `$2b$${String(cost).padStart(2, "0")}$${bcryptBase64(salt, 22)}${bcryptBase64(out.subarray(0, 23), 31)}`;
}

/** True when `hash` ("$2a$", "$2b$" or "$2y$") is the bcrypt of `password`. */
export function bcryptMatches(password: string, hash: string): boolean {
  const m = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!m) return false;
  const salt = bcryptBase64Decode(m[2]!, 16);
  return bcrypt(password, Number(m[1]), salt).slice(7) === hash.slice(7);
}
