// Our bcrypt (for the registry's htpasswd file) against published test vectors.
import { describe, expect, it } from "vitest";
import { bcrypt, bcryptBase64, bcryptBase64Decode, bcryptMatches, piFractionWords } from "../../harness/registry/bcrypt.ts";

describe("bcrypt", () => {
  it("derives Blowfish's initial words from pi (first P word, first and last S-box words)", () => {
    const w = piFractionWords(18 + 1024);
    expect(w[0]!.toString(16)).toBe("243f6a88");
    expect(w[18]!.toString(16)).toBe("d1310ba6");
    expect(w[18 + 1023]!.toString(16)).toBe("3ac372e6");
  });

  it("matches published vectors", () => {
    expect(bcryptMatches("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).toBe(true);
    expect(bcryptMatches("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")).toBe(true);
  });

  it("hashes with a random salt; the hash matches its password only", () => {
    const h = bcrypt("s3cret", 4);
    expect(h).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt("s3cret", 4)).not.toBe(h);
    expect(bcryptMatches("s3cret", h)).toBe(true);
    expect(bcryptMatches("s3creT", h)).toBe(false);
  });

  it("round-trips its base64 and rejects bad parameters", () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 13);
    expect(bcryptBase64Decode(bcryptBase64(bytes, 22), 16)).toEqual(bytes);
    expect(() => bcrypt("x", 3)).toThrow(/cost/);
    expect(() => bcrypt("x", 4, new Uint8Array(8))).toThrow(/salt/);
  });
});
