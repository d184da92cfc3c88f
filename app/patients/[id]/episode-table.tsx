"use client";
import Link from "next/link";
import type { SortingState } from "@tanstack/react-table";
import { SortedTable, type SortedColumn } from "../../_components/sorted-table";

export interface EpisodeRowView {
  id: string;
  when: string;
  durationSeconds: number;
  duration: string;
  side: string;
  type: string;
  suggestion: string;
  pain: string;
  triggers: string;
  needsReview: boolean;
  /** Sent by the patient from the diary (else typed in by the clinic). */
  patientReported: boolean;
  /** The label differs from the suggestion and a clinician confirmed it on review. */
  labelConfirmed: boolean;
  editHref: string | null;
}

const columns: SortedColumn<EpisodeRowView>[] = [
  { id: "occurredAt", header: "Date and time", accessorKey: "when" },
  { id: "durationSeconds", header: "Duration", accessorKey: "durationSeconds", cell: ({ row }) => row.original.duration },
  { id: "side", header: "Side", accessorKey: "side", enableSorting: false },
  { id: "type", header: "Type (clinician)", accessorKey: "type", enableSorting: false },
  { id: "suggestion", header: "Suggested", accessorKey: "suggestion", enableSorting: false },
  { id: "pain", header: "Pain", accessorKey: "pain", enableSorting: false },
  { id: "triggers", header: "Triggers", accessorKey: "triggers", enableSorting: false },
  {
    id: "source",
    header: "Reported by",
    enableSorting: false,
    accessorFn: (r) => (r.patientReported ? "Patient diary" : "Clinician"),
    cell: ({ row }) => (row.original.patientReported ? <span className="badge patient-reported">Patient diary</span> : "Clinician"),
  },
  {
    id: "review",
    header: "Review",
    enableSorting: false,
    accessorFn: (r) => (r.needsReview ? "yes" : r.labelConfirmed ? "confirmed" : ""),
    cell: ({ row }) =>
      row.original.needsReview ? <span className="badge warn">Review</span> : row.original.labelConfirmed ? <span className="badge">Label confirmed</span> : null,
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    enableSorting: false,
    cell: ({ row }) => (row.original.editHref ? <Link href={row.original.editHref} aria-label={`Open episode of ${row.original.when}`}>Open</Link> : null),
  },
];

export function EpisodeTable({ rows, sorting }: { rows: EpisodeRowView[]; sorting: SortingState }) {
  return <SortedTable rows={rows} columns={columns} sorting={sorting} caption="Episodes" empty="No episodes match." anchor="#episodes" testId="episode-table" />;
}
