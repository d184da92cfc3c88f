import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { openDiary } from "@/lib/features/diary/data";
import { clientIp } from "@/lib/http/auth-options";
import { isDataError } from "@/lib/server/errors";
import { DiaryApp } from "./diary";

export const dynamic = "force-dynamic";

// Bilingual and without the patient's name: the title shows in tabs, history and the phone's app switcher.
export const metadata: Metadata = {
  title: { absolute: "Leg diary · Diario de las piernas" },
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};


/**
 * The patient's diary (/diary/{token}): no sign-in, the token in the path is the only credential.
 * Shows the patient's given name and nothing else of the record. A link that does not work
 * (unknown, expired, revoked) gets the diary's not-found page, with 404, the same for each.
 */
export default async function DiaryPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let holder;
  try {
    holder = await openDiary(token, { ip: clientIp(await headers()) });
  } catch (error) {
    if (isDataError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  return <DiaryApp token={token} givenName={holder.givenName} linkLanguage={holder.language} />;
}
