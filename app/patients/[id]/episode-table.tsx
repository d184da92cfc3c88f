"use client";
import Link from "next/link";
import { FlexRender, rowSortingFeature, tableFeatures, useTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

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
  editHref: string | null;
}

const features = tableFeatures({ rowSortingFeature });

const columns: ColumnDef<typeof features, EpisodeRowView>[] = [
  { id: "occurredAt", header: "Date and time", accessorKey: "when" },
  { id: "durationSeconds", header: "Duration", accessorKey: "durationSeconds", cell: ({ row }) => row.original.duration },
  { id: "side", header: "Side", accessorKey: "side", enableSorting: false },
  { id: "type", header: "Type (clinician)", accessorKey: "type", enableSorting: false },
  { id: "suggestion", header: "Suggested", accessorKey: "suggestion", enableSorting: false },
  { id: "pain", header: "Pain", accessorKey: "pain", enableSorting: false },
  { id: "triggers", header: "Triggers", accessorKey: "triggers", enableSorting: false },
  {
    id: "review",
    header: "Review",
    enableSorting: false,
    accessorFn: (r) => (r.needsReview ? "yes" : ""),
    cell: ({ row }) => (row.original.needsReview ? <span className="badge warn">Review</span> : null),
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    enableSorting: false,
    cell: ({ row }) => (row.original.editHref ? <Link href={row.original.editHref} aria-label={`Open episode of ${row.original.when}`}>Open</Link> : null),
  },
];

export function EpisodeTable({ rows, sorting }: { rows: EpisodeRowView[]; sorting: SortingState }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const table = useTable({
    features,
    columns,
    data: rows,
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const url = new URLSearchParams(params.toString());
      url.delete("cursor");
      if (next[0]) {
        url.set("sort", next[0].id);
        url.set("dir", next[0].desc ? "desc" : "asc");
      }
      router.push(`${pathname}?${url.toString()}#episodes`, { scroll: false });
    },
  });
  return (
    <div className="table-wrap">
      <table className="data" data-testid="episode-table">
        <caption className="sr-only">Episodes</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} scope="col" aria-sort={sorted ? (sorted === "asc" ? "ascending" : "descending") : undefined}>
                    {header.column.getCanSort() ? (
                      <button type="button" onClick={header.column.getToggleSortingHandler()}>
                        <FlexRender header={header} />
                        <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : " ↕"}</span>
                      </button>
                    ) : (
                      <FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="muted">No episodes match.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
