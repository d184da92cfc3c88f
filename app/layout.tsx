import Link from "next/link";
import type { Metadata } from "next";
import "./globals.css";
import { currentSession } from "@/lib/http/session";
import { can } from "@/lib/server/permissions";
import { SignOutButton } from "./_components/sign-out-button";
import { IdleTimeout } from "./_components/idle-timeout";

export const metadata: Metadata = {
  title: { default: "Cramp Clinic", template: "%s · Cramp Clinic" },
  description: "Clinician dashboard for leg cramps, seizure-like episodes and restless legs.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await currentSession();
  const actor = session.ok && !session.mustChangePassword && !session.mustEnrolTwoFactor ? session.actor : null;
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="app-header">
          <nav className="inner" aria-label="Main">
            <span className="brand">Cramp Clinic</span>
            {actor && (
              <>
                <Link href="/patients">Patients</Link>
                <Link href="/attention">Needs attention</Link>
                <Link href="/review">Review</Link>
                <Link href="/dashboard">Dashboard</Link>
                <Link href="/exports">Exports</Link>
                {can(actor, "users:manage") && <Link href="/admin/users">Users</Link>}
                {can(actor, "users:manage") && <Link href="/admin/clinics">Clinics</Link>}
                {can(actor, "audit:read") && <Link href="/admin/audit" prefetch={false}>Audit log</Link>}
                {can(actor, "data:restore") && <Link href="/admin/deleted" prefetch={false}>Deleted records</Link>}
                <span className="spacer" />
                <Link className="who" href="/account" title="Your account: password, API tokens, sign out everywhere">
                  {actor.name} · {actor.role.replace("_", " ").toLowerCase()}
                </Link>
                <SignOutButton />
              </>
            )}
          </nav>
        </header>
        <main id="main">{children}</main>
        {actor && session.ok && <IdleTimeout expiresAt={session.expiresAt.toISOString()} />}
      </body>
    </html>
  );
}
