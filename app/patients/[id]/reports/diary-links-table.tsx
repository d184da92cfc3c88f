import type { DiaryLinkView } from "@/lib/features/diary/data";
import { formatInZone } from "@/lib/core/clinical/time";
import { HANDOUT_LANGUAGE_LABELS } from "@/lib/core/clinical/handout";
import { revokeDiaryLinkAction } from "./diary-actions";
import { StopLinkButton } from "./diary-links";
import styles from "./diary-links.module.css";

type LinkStatus = "Active" | "Expired" | "Stopped";

function statusOf(link: DiaryLinkView): LinkStatus {
  if (link.revokedAt) return "Stopped";
  return link.active ? "Active" : "Expired";
}

const STATUS_BADGE: Record<LinkStatus, string> = { Active: "badge", Expired: "badge warn", Stopped: "badge danger" };

/** The patient's diary links, newest first: never their tokens, which are not stored. */
export function DiaryLinksTable({ links, timeZone, canStop }: { links: DiaryLinkView[]; timeZone: string; canStop: boolean }) {
  const when = (d: Date) => formatInZone(d, timeZone);
  return (
    <>
      <h3 id="diary-links-title">Diary links</h3>
      {links.length === 0 ? (
        <p className="muted">No diary link has been given to this patient.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-labelledby="diary-links-title">
            <thead>
              <tr>
                <th scope="col">Given</th>
                <th scope="col">Language</th>
                <th scope="col">Works until</th>
                <th scope="col">Last used</th>
                <th scope="col">Entries sent</th>
                <th scope="col">Status</th>
                {canStop && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {links.map((l) => {
                const status = statusOf(l);
                const by = l.createdBy ?? "a former user";
                return (
                  <tr key={l.id} data-testid="diary-link-row">
                    <td>
                      {when(l.createdAt)}
                      <br />
                      <span className="muted">by {by}</span>
                    </td>
                    <td>{HANDOUT_LANGUAGE_LABELS[l.language]}</td>
                    <td>{when(l.expiresAt)}</td>
                    <td>{l.lastUsedAt ? when(l.lastUsedAt) : <span className="muted">never</span>}</td>
                    <td>{l.entries}</td>
                    <td>
                      <span className={`${STATUS_BADGE[status]} ${styles.status}`}>{status}</span>
                      {l.revokedAt && <span className="muted"><br />on {when(l.revokedAt)}</span>}
                    </td>
                    {canStop && (
                      <td>
                        {status === "Active" ? (
                          <StopLinkButton action={revokeDiaryLinkAction.bind(null, l.id)} label={`link given on ${when(l.createdAt)} by ${by}`} />
                        ) : null}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
