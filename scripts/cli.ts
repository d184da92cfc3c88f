/**
 * The frame of a command line that works on the app's database (DATABASE_URL): arguments read
 * first, so that a mistake in them exits 2 before the database is opened; the database named
 * with its password hidden; the app's client disconnected at the end, whatever happened.
 */
import { DEFAULT_DATABASE_URL, redactDatabaseUrl } from "../lib/server/db-adapter";

/**
 * Runs `run` with the parsed arguments and the database's redacted name, and returns its exit
 * code. `parseArgs` throws with the message to print (exit 2); an error `run` lets through is
 * printed as "<database>: could not <doing>: <message>" (exit 2).
 */
export async function runDatabaseCommand<Args>(
  parseArgs: (argv: string[]) => Args,
  doing: string,
  run: (args: Args, where: string) => Promise<number>,
): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const where = redactDatabaseUrl(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const { db } = await import("../lib/server/db");
  try {
    return await run(args, where);
  } catch (error) {
    console.error(`${where}: could not ${doing}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await db.$disconnect();
  }
}
