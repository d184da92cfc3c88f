"use client";

/**
 * Offered when a save was refused because a colleague saved first: compare with their version in
 * a new tab (this form keeps what you typed), or reload to start again from it.
 */
export function StaleNotice() {
  return (
    <p className="inline" style={{ marginTop: "-.5rem", marginBottom: "1rem" }}>
      <button className="btn small secondary" type="button" onClick={() => window.open(window.location.href, "_blank", "noopener")}>
        See the saved version in a new tab
      </button>
      <button className="btn small secondary" type="button" onClick={() => window.location.reload()}>
        Reload (discards your changes here)
      </button>
    </p>
  );
}
