import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { guarded, readTogether } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { DIARY_LINK_MAX_DAYS, listDiaryLinks, type DiaryLinkView } from "./data";

export interface DiaryLinksPanel {
  links: DiaryLinkView[];
  /** The clinic's default for a new link's life, in days (its setting). */
  defaultDays: number;
  maxDays: number;
}

/** The chart's diary panel: the patient's links (audited by listDiaryLinks) and the clinic's default life of a link. */
export function loadDiaryLinksPanel(actor: Actor, patientId: string): Promise<DiaryLinksPanel> {
  return readTogether(async () => {
    const links = await listDiaryLinks(actor, patientId);
    const clinic = await guarded(actor, "clinical:read", { action: "DIARY_LINK_LIST", patientId, targetType: "Patient", targetId: patientId }, async (tx) => {
      const scoped = await requirePatientInScope(tx, actor, patientId);
      return tx.clinic.findUniqueOrThrow({ where: { id: scoped.clinicId }, select: { diaryLinkDays: true } });
    });
    return { links, defaultDays: clinic.diaryLinkDays, maxDays: DIARY_LINK_MAX_DAYS };
  });
}
