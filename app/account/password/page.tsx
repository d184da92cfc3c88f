import type { Metadata } from "next";
import { currentSession, requireActor } from "@/lib/http/session";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Change password" };

export default async function PasswordPage() {
  await requireActor({ allowPasswordChange: true });
  const check = await currentSession();
  const forced = check.ok && check.mustChangePassword;
  return (
    <div className="card" style={{ maxWidth: "32rem" }}>
      <h1>Change your password</h1>
      {forced && <p className="alert warn" role="status">You signed in with a temporary password. Choose your own password to continue.</p>}
      <PasswordForm />
    </div>
  );
}
