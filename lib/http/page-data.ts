import "server-only";
import { notFound } from "next/navigation";
import { isDataError } from "@/lib/server/errors";

/** For pages: a record the actor may not see renders Next's not-found page, never an error page. */
export async function pageData<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    // A forbidden record is answered like a missing one, so its existence is not confirmed.
    if (isDataError(error) && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) notFound();
    throw error;
  }
}
