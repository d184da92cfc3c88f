/**
 * `npm run token:create -- --email <user> [--name <label>]`: creates an API token for that user
 * in DATABASE_URL and prints it once (only its SHA-256 is stored). The token acts with the
 * user's role and clinics; revoke it on /account/tokens. Exits 0 on success, 1 when the user
 * cannot have a token (unknown or deactivated), 2 on bad arguments or when the database fails.
 */
import { runDatabaseCommand } from "./cli";

const USAGE = "Usage: npm run token:create -- --email <user> [--name <label>]";

function parseArgs(argv: string[]) {
  let email: string | null = null;
  let name = "Command line";
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    if (flag === "--email") email = value();
    else if (flag === "--name") name = value();
    else if (flag === "--help" || flag === "-h") throw new Error(USAGE);
    else throw new Error(`Unknown argument ${argv[i]}. ${USAGE}`);
  }
  if (!email) throw new Error(`--email is required. ${USAGE}`);
  return { email, name };
}

process.exitCode = await runDatabaseCommand(parseArgs, "create the token", async (args, where) => {
  const { createApiTokenForEmail } = await import("../lib/features/accounts/api-tokens");
  const { isDataError } = await import("../lib/server/errors");
  try {
    const created = await createApiTokenForEmail(args.email, { name: args.name });
    console.error(`Token "${created.name}" (${created.prefix}…) for ${created.userEmail} in ${where}.`);
    console.error("Copy it now: it is shown only this once. Send it as: Authorization: Bearer <token>");
    // The token alone on stdout, so `TOKEN=$(npm run -s token:create -- --email …)` works.
    console.log(created.token);
    return 0;
  } catch (error) {
    // An unknown or deactivated user; anything else is the database's failure (exit 2).
    if (!isDataError(error)) throw error;
    console.error(Object.values(error.fields).join("; ") || error.message);
    return 1;
  }
});
