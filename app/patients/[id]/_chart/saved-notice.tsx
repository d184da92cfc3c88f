const SAVED: Record<string, string> = {
  "1": "Patient saved.",
  visit: "Visit saved.",
  episode: "Episode saved.",
  deleted: "Deleted. An administrator can restore it.",
};

/** The one-off notice after a save that redirected here (?saved=…). */
export function SavedNotice({ saved }: { saved: string | string[] | undefined }) {
  const text = typeof saved === "string" ? SAVED[saved] : undefined;
  return text ? <p className="alert ok" role="status">{text}</p> : null;
}
