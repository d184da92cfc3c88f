import Link from "next/link";
import type { Metadata } from "next";
import { headers } from "next/headers";
import "./globals.css";
import { currentSession } from "@/lib/http/session";
import { can } from "@/lib/server/permissions";
import { SignOutButton } from "./_components/sign-out-button";
import { IdleTimeout } from "./_components/idle-timeout";
import { NavLink, NavMenu, type NavItem } from "./_components/main-nav";

const MAIN_ITEMS: NavItem[] = [
  { href: "/patients", label: "Patients" },
  { href: "/attention", label: "Needs attention" },
  { href: "/review", label: "Review" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/exports", label: "Exports" },
];

export const metadata: Metadata = {
  title: { default: "Cramp Clinic", template: "%s · Cramp Clinic" },
  description: "Clinician dashboard for leg cramps, seizure-like episodes and restless legs.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The patient diary (/diary/...) is for patients: no clinic header, no session looked up. Its page
  // sets the language of the document itself (English or Spanish, per link and switchable).
  if ((await headers()).get("x-app-shell") === "diary") {
    return (
      <html lang="en">
        <body className="diary-body">{children}</body>
      </html>
    );
  }
  const session = await currentSession();
  const actor = session.ok && !session.mustChangePassword && !session.mustEnrolTwoFactor ? session.actor : null;
  const mainItems = actor ? MAIN_ITEMS : [];
  const roleWords = actor ? actor.role.replace("_", " ").toLowerCase() : "";
  const adminItems: NavItem[] = actor
    ? [
        ...(can(actor, "users:manage") ? [{ href: "/admin/users", label: "Users" }, { href: "/admin/clinics", label: "Clinics" }] : []),
        ...(can(actor, "audit:read") ? [{ href: "/admin/audit", label: "Audit log", prefetch: false }] : []),
        ...(can(actor, "data:restore") ? [{ href: "/admin/deleted", label: "Deleted records", prefetch: false }] : []),
        ...(can(actor, "patients:import") ? [{ href: "/admin/import", label: "Import", prefetch: false }] : []),
      ]
    : [];
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="app-header">
          <nav className="inner" aria-label="Main">
            <span className="brand">Cramp Clinic</span>
            {actor && (
              <>
                {mainItems.map((item) => <NavLink key={item.href} item={item} />)}
                {adminItems.length > 0 && (
                  <>
                    {/* In the line where the window is wide enough; folded under "Admin" where it is not (a tablet). */}
                    {adminItems.map((item) => <NavLink key={item.href} item={item} className="nav-wide" />)}
                    <NavMenu label="Admin" items={adminItems} className="nav-narrow" />
                  </>
                )}
                <span className="spacer" />
                <Link className="who" href="/account" title={`${actor.name} (${roleWords}): your account, password, API tokens, sign out everywhere`}>
                  {actor.name}
                  <span className="who-role"> · {roleWords}</span>
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
