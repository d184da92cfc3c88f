import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { listClinicSettings } from "@/lib/features/clinics/data";
import { setDiaryLinkDaysAction, setSsoSettingsAction, setTimeZoneAction, setUnitSystemAction } from "./actions";
import { ssoConfig } from "@/lib/http/auth-options";
import { SsoSettingsForm } from "./sso-settings-form";
import { DiaryLinkDaysForm } from "./diary-link-days-form";
import { TimeZoneForm } from "./time-zone-form";
import { UnitSystemForm } from "./unit-system-form";

export const metadata: Metadata = { title: "Clinic settings" };

export default async function ClinicsPage() {
  const actor = await requireActor();
  if (!can(actor, "users:manage")) notFound();
  const clinics = await listClinicSettings(actor);
  const zones = Intl.supportedValuesOf("timeZone");
  const sso = ssoConfig();
  return (
    <>
      <h1>Clinic settings</h1>
      <p className="muted">
        Red flags that count calendar days (episodes on consecutive days, times of day) and weekly charts use each clinic&apos;s time zone. Its units are
        the ones its forms start in and its pages show values in; every value keeps the unit it was entered in, and shows the other units on hover. A patient diary link works for the clinic&apos;s number of
        days unless the clinician giving it chooses otherwise.
      </p>
      {clinics.map((c) => (
        <section key={c.id} className="card" aria-label={c.name}>
          <h2 className="card-title">{c.name}</h2>
          <div className="settings-row">
            <TimeZoneForm action={setTimeZoneAction.bind(null, c.id)} clinicId={c.id} current={c.timeZone} zones={zones} />
            <UnitSystemForm action={setUnitSystemAction.bind(null, c.id)} clinicId={c.id} current={c.unitSystem} />
            <DiaryLinkDaysForm action={setDiaryLinkDaysAction.bind(null, c.id)} clinicId={c.id} current={c.diaryLinkDays} />
          </div>
          <SsoSettingsForm
            action={setSsoSettingsAction.bind(null, c.id)}
            clinicId={c.id}
            providerName={sso?.name ?? null}
            current={{ createAccounts: c.ssoCreateAccounts, createRole: c.ssoCreateRole, requireSso: c.requireSso }}
          />
        </section>
      ))}
    </>
  );
}
