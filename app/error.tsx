"use client";

// Shown for unexpected faults. The details stay in the server log; the digest lets support find them.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card" role="alert">
      <h1>Something went wrong</h1>
      <p>Nothing you were entering has been saved unless you saw a confirmation. Please try again.</p>
      {error.digest && <p className="muted">Reference: {error.digest}</p>}
      <button className="btn" type="button" onClick={reset}>Try again</button>
    </div>
  );
}
