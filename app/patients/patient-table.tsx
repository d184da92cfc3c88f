"use client";
import Link from "next/link";
import { FlexRender, rowSortingFeature, tableFeatures, useTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

export interface PatientRow {
  id: string;
  name: string;
  mrn: string;
  birthDate: string;
  age: number;
  sex: string;
  pregnant: boolean;
  clinicName: string;
  createdAt: string;
}

const features = tableFeatures({ rowSortingFeature });

// Column ids match the server's sort keys; "name" sorts family then given name.
const columns: ColumnDef<typeof features, PatientRow>[] = [
  {
    id: "name",
    header: "Name",
    accessorFn: (r) => r.name,
    cell: ({ row }) => <Link href={`/patients/${row.original.id}`}>{row.original.name}</Link>,
  },
  { id: "mrn", header: "MRN", accessorKey: "mrn" },
  {
    id: "birthDate",
    header: "Date of birth",
    accessorKey: "birthDate",
    cell: ({ row }) => `${row.original.birthDate} (${row.original.age} y)`,
  },
  {
    id: "sex",
    header: "Sex",
    accessorKey: "sex",
    enableSorting: false,
    cell: ({ row }) => (
      <>
        {row.original.sex}
        {row.original.pregnant && <span className="badge" style={{ marginLeft: ".4rem" }}>pregnant</span>}
      </>
    ),
  },
  { id: "clinicName", header: "Clinic", accessorKey: "clinicName", enableSorting: false },
  { id: "createdAt", header: "Added", accessorKey: "createdAt", cell: ({ row }) => row.original.createdAt.slice(0, 10) },
];

export function PatientTable({ rows, sorting }: { rows: PatientRow[]; sorting: SortingState }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const table = useTable({
    features,
    columns,
    data: rows,
    manualSorting: true,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const url = new URLSearchParams(params.toString());
      url.delete("cursor");
      if (next[0]) {
        url.set("sort", next[0].id);
        url.set("dir", next[0].desc ? "desc" : "asc");
      } else {
        url.delete("sort");
        url.delete("dir");
      }
      router.push(`${pathname}?${url.toString()}`);
    },
  });

  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="sr-only">Patients, sorted by {sorting[0]?.id ?? "name"}</caption>
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
              <td colSpan={columns.length} className="muted">
                No patients match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
