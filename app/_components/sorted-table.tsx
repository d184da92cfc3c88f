"use client";
import { FlexRender, rowSortingFeature, tableFeatures, useTable, type ColumnDef, type RowData, type SortingState } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

export const sortedTableFeatures = tableFeatures({ rowSortingFeature });
export type SortedColumn<Row extends RowData> = ColumnDef<typeof sortedTableFeatures, Row>;

/**
 * A table sorted and paged on the server: clicking a sortable header writes `sort` and `dir` to
 * the URL (dropping the page cursor) and the server page renders the new order.
 */
export function SortedTable<Row extends RowData>({
  rows,
  columns,
  sorting,
  caption,
  empty,
  anchor = "",
  testId,
}: {
  rows: Row[];
  columns: SortedColumn<Row>[];
  sorting: SortingState;
  caption: string;
  empty: string;
  anchor?: string;
  testId?: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const table = useTable({
    features: sortedTableFeatures,
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
      router.push(`${pathname}?${url.toString()}${anchor}`, { scroll: !anchor });
    },
  });
  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
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
              <td colSpan={columns.length} className="muted">{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
