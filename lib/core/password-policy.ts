/** Session and sign-in limits, in one place. */
export const SESSION_IDLE_MS = 15 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_WARNING_MS = 60 * 1000;
/** lastSeenAt is written at most this often, so reads don't each cost a write. */
export const SESSION_TOUCH_MS = 30 * 1000;

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_DURATION_MS = 15 * 60 * 1000;
export const SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE = 60;
/**
 * Every password sign-in answers after at least this long, whatever the outcome, so the time
 * taken does not tell an unknown email from a wrong password (lib/features/accounts/sign-in.ts). Above the
 * argon2 verification plus the database work of the slowest path on the target hardware.
 */
export const SIGN_IN_MIN_RESPONSE_MS = 150;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
