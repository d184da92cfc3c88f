import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/http/auth-options";

describe("clientIp", () => {
  it.each([
    ["a single address (set by Next from the socket)", "203.0.113.7", "203.0.113.7"],
    ["a forged entry before the proxy's: the proxy's view wins", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    ["spaces and empty entries", " 6.6.6.6 ,, 203.0.113.7 ", "203.0.113.7"],
    ["no header", null, null],
  ])("%s", (_label, header, expected) => {
    const headers = new Headers(header === null ? {} : { "x-forwarded-for": header });
    expect(clientIp(headers)).toBe(expected);
  });
});
