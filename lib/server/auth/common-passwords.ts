import "server-only";
import fs from "node:fs";
import path from "node:path";

let common: ReadonlySet<string> | undefined;

/**
 * The shipped list (common-passwords.txt beside this file, one lower-case password a line, written
 * by scripts/generate-common-passwords.ts), read on the first check and kept. A data file rather
 * than a module, so that no route carries the list in its bundle; the build traces the file
 * into its output from this call. From the project root: where `next start`, the tests and the
 * scripts run (a standalone server changes to its own folder, which holds the traced copy).
 */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    fs
      .readFileSync(path.join(process.cwd(), "lib", "server", "auth", "common-passwords.txt"), "utf8")
      .split(/\r?\n/)
      .filter((line) => line !== ""),
  );
  return common;
}

/**
 * True for a password on the shipped list of common passwords, ignoring case. No network: the
 * list ships with the app, so the check also works on a hospital network without internet access.
 */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
