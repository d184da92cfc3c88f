import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrors } from "@/lib/core/validation/common";
import { episodeFromForm, visitFromForm } from "@/lib/core/validation/episode-form";
import { overLimitMessage, remainingMessage, TEXT_LIMITS } from "@/lib/core/validation/text-limits";
import { limitedText } from "@/lib/core/validation/common";

describe("text limits", () => {
  it("says what is left, and by how much a text is over", () => {
    expect(remainingMessage(2000, 0)).toBe("2,000 characters left");
    expect(remainingMessage(2000, 1999)).toBe("1 character left");
    expect(remainingMessage(2000, 2000)).toBe("0 characters left");
    expect(remainingMessage(2000, 2001)).toBe("1 character over the limit of 2,000");
    expect(remainingMessage(2000, 5000)).toBe("3,000 characters over the limit of 2,000");
  });

  it("refuses an over-long text with its length, and keeps one at the limit whole", () => {
    const schema = z.object({ notes: limitedText("Notes", TEXT_LIMITS.notes) });
    expect(schema.parse({ notes: "x".repeat(2000) }).notes).toHaveLength(2000);
    const refused = schema.safeParse({ notes: "x".repeat(2001) });
    expect(refused.success).toBe(false);
    expect(fieldErrors(refused.error!)).toEqual({ notes: "Notes can be at most 2,000 characters (this has 2,001)" });
    expect(overLimitMessage("The MRN", 40, 41)).toBe("The MRN can be at most 40 characters (this has 41)");
  });

  it("counts the trimmed text where the field is trimmed, as the server keeps it", () => {
    const mrn = limitedText("The MRN", 5, z.string().trim());
    expect(mrn.parse("  abcde  ")).toBe("abcde");
    expect(mrn.safeParse(" abcdef ").error?.issues[0].message).toBe("The MRN can be at most 5 characters (this has 6)");
  });

  it("reads a note's line breaks as the browser sent them (CR LF) but counts each as one, as the field did", () => {
    const form = new FormData();
    form.set("notes", "one\r\ntwo\rthree\nfour");
    expect(episodeFromForm(form, "UTC").notes).toBe("one\ntwo\nthree\nfour");
    expect(visitFromForm(form, "UTC").input.notes).toBe("one\ntwo\nthree\nfour");
  });
});
