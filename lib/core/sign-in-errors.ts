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
