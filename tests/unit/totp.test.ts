import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  canonicalRecoveryCode,
  hotp,
  matchTotp,
  newRecoveryCode,
  newTotpSecret,
  otpauthUri,
  totp,
  totpStep,
  type TotpAlgorithm,
} from "@/lib/server/auth/totp";
import { openSecret, sealSecret } from "@/lib/server/auth/secret-box";

// RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's key length.
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from("12345678901234567890", "ascii"),
  sha256: Buffer.from("12345678901234567890123456789012", "ascii"),
  sha512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234", "ascii"),
};

// [time in seconds, SHA-1, SHA-256, SHA-512] — 8-digit codes, 30-second steps, T0 = 0.
const RFC6238: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(RFC6238)("T=%i gives the RFC's codes for SHA-1, SHA-256 and SHA-512", (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(totp(SEEDS.sha1, at, { digits: 8, algorithm: "sha1" })).toBe(sha1);
    expect(totp(SEEDS.sha256, at, { digits: 8, algorithm: "sha256" })).toBe(sha256);
    expect(totp(SEEDS.sha512, at, { digits: 8, algorithm: "sha512" })).toBe(sha512);
  });

  it("uses 30-second steps: T=59 and T=30 share a step, T=60 starts the next", () => {
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(59_999)).toBe(1);
    expect(totpStep(60_000)).toBe(2);
    expect(totp(SEEDS.sha1, 30_000)).toBe(totp(SEEDS.sha1, 59_999));
    expect(totp(SEEDS.sha1, 60_000)).not.toBe(totp(SEEDS.sha1, 59_999));
  });

  it("defaults to 6 digits, the last six of the 8-digit code", () => {
    expect(totp(SEEDS.sha1, 59_000)).toBe("287082");
    expect(totp(SEEDS.sha1, 1111111109_000)).toBe("081804");
  });
});

describe("HOTP (RFC 4226 appendix D)", () => {
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  it.each(expected.map((code, counter) => [counter, code]))("counter %i gives %s", (counter, code) => {
    expect(hotp(SEEDS.sha1, counter as number)).toBe(code);
  });
});

describe("matching a typed code", () => {
  const secret = SEEDS.sha1;
  const t = 1111111109_000; // step 37037036
  const step = totpStep(t);

  it("accepts the current step and one step either side, nothing further", () => {
    expect(matchTotp(secret, totp(secret, t), t)).toBe(step);
    expect(matchTotp(secret, totp(secret, t - 30_000), t)).toBe(step - 1);
    expect(matchTotp(secret, totp(secret, t + 30_000), t)).toBe(step + 1);
    expect(matchTotp(secret, totp(secret, t - 60_000), t)).toBeNull();
    expect(matchTotp(secret, totp(secret, t + 60_000), t)).toBeNull();
  });

  it("refuses a code of a step already used, or older than it", () => {
    const code = totp(secret, t);
    expect(matchTotp(secret, code, t, step - 1)).toBe(step);
    expect(matchTotp(secret, code, t, step)).toBeNull();
    expect(matchTotp(secret, totp(secret, t - 30_000), t, step)).toBeNull();
    expect(matchTotp(secret, totp(secret, t + 30_000), t, step)).toBe(step + 1);
  });

  it("refuses anything that is not six digits, and another secret's code", () => {
    const code = totp(secret, t);
    for (const bad of ["", "12345", "1234567", "abcdef", ` ${code}`, `${code.slice(0, 3)} ${code.slice(3)}`]) {
      expect(matchTotp(secret, bad, t), JSON.stringify(bad)).toBeNull();
    }
    expect(matchTotp(SEEDS.sha256, code, t)).toBeNull();
  });
});

describe("base32 and the key URI", () => {
  it("encodes like RFC 4648's test vectors (without padding) and decodes back", () => {
    const vectors: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Encode(SEEDS.sha1)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const random = newTotpSecret();
    expect(random).toHaveLength(20);
    expect(base32Decode(base32Encode(random).toLowerCase().replace(/(.{4})/g, "$1 "))).toEqual(random);
  });

  it("builds the otpauth URI authenticator apps read", () => {
    const uri = otpauthUri(SEEDS.sha1, "clinician@demo.clinic", "Cramp Clinic");
    expect(uri).toBe(
      "otpauth://totp/Cramp%20Clinic:clinician%40demo.clinic?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Cramp%20Clinic&algorithm=SHA1&digits=6&period=30",
    );
  });
});

describe("recovery codes", () => {
  it("are 10 characters of Crockford base32 shown as xxxxx-xxxxx, all different", () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("are read forgivingly: case, spaces, dashes, and I/L/O typed for 1/1/0", () => {
    expect(canonicalRecoveryCode("ab1cd-0ef23")).toBe("ab1cd0ef23");
    expect(canonicalRecoveryCode(" AB1CD 0EF23 ")).toBe("ab1cd0ef23");
    expect(canonicalRecoveryCode("abicd-oef23")).toBe("ab1cd0ef23");
    expect(canonicalRecoveryCode("abLcd-Oef23")).toBe("ab1cd0ef23");
    expect(canonicalRecoveryCode("ab1cd-0ef2")).toBeNull();
    expect(canonicalRecoveryCode("ab1cd-0ef2u")).toBeNull();
    expect(canonicalRecoveryCode("123456")).toBeNull();
  });
});

describe("TOTP secrets at rest (AES-256-GCM, key from NEXTAUTH_SECRET)", () => {
  const withSecret = <T>(value: string | undefined, fn: () => T): T => {
    const before = process.env.NEXTAUTH_SECRET;
    if (value === undefined) delete process.env.NEXTAUTH_SECRET;
    else process.env.NEXTAUTH_SECRET = value;
    try {
      return fn();
    } finally {
      if (before === undefined) delete process.env.NEXTAUTH_SECRET;
      else process.env.NEXTAUTH_SECRET = before;
    }
  };

  it("opens what it sealed, and the stored text does not contain the secret in any encoding", () => {
    withSecret("unit-test-secret-one", () => {
      const secret = newTotpSecret();
      const sealed = sealSecret(secret, "user-1");
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      for (const encoding of [secret.toString("hex"), secret.toString("base64"), secret.toString("base64url"), base32Encode(secret)]) {
        expect(sealed.toLowerCase()).not.toContain(encoding.toLowerCase());
      }
      expect(openSecret(sealed, "user-1")).toEqual(secret);
      // A fresh IV each time: the same secret never seals to the same text.
      expect(sealSecret(secret, "user-1")).not.toBe(sealed);
    });
  });

  it("does not open under another NEXTAUTH_SECRET, for another user, or after tampering", () => {
    const secret = newTotpSecret();
    const sealed = withSecret("unit-test-secret-one", () => sealSecret(secret, "user-1"));
    expect(withSecret("unit-test-secret-two", () => openSecret(sealed, "user-1"))).toBeNull();
    withSecret("unit-test-secret-one", () => {
      expect(openSecret(sealed, "user-2")).toBeNull();
      const parts = sealed.split(".");
      const body = Buffer.from(parts[3], "base64url");
      body[0] ^= 1;
      expect(openSecret([...parts.slice(0, 3), body.toString("base64url")].join("."), "user-1")).toBeNull();
      expect(openSecret("not sealed", "user-1")).toBeNull();
    });
  });

  it("refuses to work without NEXTAUTH_SECRET rather than fall back to a fixed key", () => {
    expect(() => withSecret(undefined, () => sealSecret(newTotpSecret(), "user-1"))).toThrow(/NEXTAUTH_SECRET/);
  });
});
