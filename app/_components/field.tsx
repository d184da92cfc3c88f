import { StaleNotice } from "./stale-notice";

/** A labelled input with its error tied to it (aria-describedby), for server-rendered and client forms. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} className="error-text">
      {error}
    </p>
  ) : null;
}

export function errorProps(id: string, error?: string, hintId?: string) {
  const describedBy = [error ? `${id}-error` : null, hintId].filter(Boolean).join(" ");
  return { "aria-invalid": error ? (true as const) : undefined, "aria-describedby": describedBy || undefined };
}

export function FormAlert({ message, status, fields }: { message?: string; status: string; fields?: Record<string, string> }) {
  return (
    <div aria-live="polite">
      {status === "error" && message && (
        <p className="alert error" role="alert">
          {message}
        </p>
      )}
      {status === "error" && fields?.version && <StaleNotice />}
    </div>
  );
}
