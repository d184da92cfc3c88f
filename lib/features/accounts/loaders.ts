import "server-only";
import { can, type Actor } from "@/lib/server/permissions";
import { listApiTokens, listClinicApiTokens, type ApiTokenView, type ClinicApiTokenView } from "./api-tokens";
import { twoFactorOverview, type TwoFactorOverview } from "./two-factor";
import { listAllClinicsForAdmin, listUsers, type UserSummary } from "./users";

export interface UsersPageData {
  users: UserSummary[];
  clinics: Awaited<ReturnType<typeof listAllClinicsForAdmin>>;
  twoFactor: TwoFactorOverview;
}

/** /admin/users: the users, the clinics to add one to, and who has two-factor sign-in. */
export async function loadUsersPage(actor: Actor): Promise<UsersPageData> {
  const [users, clinics, twoFactor] = await Promise.all([listUsers(actor), listAllClinicsForAdmin(actor), twoFactorOverview(actor)]);
  return { users, clinics, twoFactor };
}

export interface TokensPageData {
  mine: ApiTokenView[];
  /** Other users' active tokens in the actor's clinics; null for an actor who does not manage users. */
  clinic: ClinicApiTokenView[] | null;
}

/** /account/tokens: the actor's tokens, and for a user manager the clinics' other active tokens. */
export async function loadTokensPage(actor: Actor): Promise<TokensPageData> {
  const [mine, clinic] = await Promise.all([listApiTokens(actor), can(actor, "users:manage") ? listClinicApiTokens(actor) : Promise.resolve(null)]);
  return { mine, clinic };
}
