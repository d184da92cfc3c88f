import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card">
      <h1>Not found</h1>
      <p>This page or record does not exist, or you do not have access to it.</p>
      <p><Link href="/patients">Back to patients</Link></p>
    </div>
  );
}
