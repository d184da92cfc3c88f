/**
 * The `error` values next-auth passes from the credentials check to the sign-in form (shared by
 * lib/http/auth-options.ts and app/signin, which runs in the browser and cannot import the former).
 */
export const SIGN_IN_ERRORS = {
  /** Too many attempts from this address within a minute. */
  RATE_LIMITED: "RATE_LIMITED",
  /** The password was right and the account signs in with a second factor: ask for the code. */
  OTP_REQUIRED: "OTP_REQUIRED",
  /** The code sent with the right password was wrong (it counted towards the lockout). */
  OTP_INVALID: "OTP_INVALID",
} as const;

/**
 * Password sign-in refused because a clinic of the account requires single sign-on (said only
 * after the right password, like the two-factor step).
 */
export const SSO_REQUIRED_ERROR = "SSO_REQUIRED";

/** Why a single sign-on was refused: the `error` the sign-in page is sent back with. */
export const SSO_REFUSALS = {
  SSO_EMAIL_MISSING: "The identity provider did not send an email address for you. Ask your administrator to release the email claim to this app.",
  SSO_EMAIL_NOT_VERIFIED: "Your email address is not verified at the identity provider, so it cannot be matched to an account here. Verify it there, then try again.",
  SSO_UNKNOWN_ACCOUNT: "There is no account here for your email address. Ask an administrator of your clinic to create one.",
  SSO_CLINIC_AMBIGUOUS: "There is no account here for your email address, and more than one clinic creates accounts from the identity provider. Ask an administrator to create yours.",
  SSO_SUBJECT_MISMATCH: "This account is linked to a different identity at the identity provider. Ask an administrator to check your account.",
  SSO_LOCKED: "This account is locked for 15 minutes after repeated failed sign-ins. Try again later.",
  SSO_INACTIVE: "This account has been deactivated. Ask an administrator of your clinic.",
  // next-auth's own code when the provider's answer fails validation (audience, expiry, signature, state).
  OAuthCallback: "The identity provider's answer could not be verified (it was meant for another app, had expired, or was not signed correctly). Try again; if it keeps happening, tell your administrator.",
  OAuthSignin: "The identity provider could not be reached. Try again, or sign in with your password if your clinic allows it.",
  Callback: "Single sign-on could not be completed. Try again.",
  AccessDenied: "Single sign-on was refused.",
} as const;
export type SsoRefusal = Exclude<keyof typeof SSO_REFUSALS, "OAuthCallback" | "OAuthSignin" | "Callback" | "AccessDenied">;

/** Roles an account created from the identity provider may get: never ADMIN. */
export const SSO_CREATE_ROLES = ["READ_ONLY", "CLINICIAN"] as const;
