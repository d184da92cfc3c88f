import { describe, expect, it } from "vitest";
import { workerCount } from "../../../scripts/workers.js";

describe("workerCount: how many workers npm start runs", () => {
  it.each([
    // [database URL, WEB_CONCURRENCY, cores, workers]
    ["file:./data/clinic.db", undefined, 2, 1],
    ["file:./data/clinic.db", "4", 8, 1], // SQLite has one writer: one process whatever is asked
    [undefined, undefined, 4, 1], // the default database is SQLite
    ["postgresql://db/cramp", undefined, 2, 2],
    ["postgres://db/cramp", undefined, 8, 8],
    ["postgresql://db/cramp", "3", 2, 3],
    ["postgresql://db/cramp", "1", 8, 1],
    ["postgresql://db/cramp", "0", 2, 2],
    ["postgresql://db/cramp", "-1", 2, 2],
    ["postgresql://db/cramp", "1.5", 2, 2],
    ["postgresql://db/cramp", "many", 2, 2],
    ["postgresql://db/cramp", "", 2, 2],
  ])("%s with WEB_CONCURRENCY=%s on %i cores: %i", (url, concurrency, cores, expected) => {
    expect(workerCount(url, concurrency, cores)).toBe(expected);
  });
});
