"use client";
import Link from "next/link";
import type { SortingState } from "@tanstack/react-table";
import { SortedTable, type SortedColumn } from "../_components/sorted-table";

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

// Column ids match the server's sort keys; "name" sorts family then given name.
const columns: SortedColumn<PatientRow>[] = [
  { id: "name", header: "Name", accessorFn: (r) => r.name, cell: ({ row }) => <Link href={`/patients/${row.original.id}`}>{row.original.name}</Link> },
  { id: "mrn", header: "MRN", accessorKey: "mrn" },
  { id: "birthDate", header: "Date of birth", accessorKey: "birthDate", cell: ({ row }) => `${row.original.birthDate} (${row.original.age} y)` },
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
  return <SortedTable rows={rows} columns={columns} sorting={sorting} caption={`Patients, sorted by ${sorting[0]?.id ?? "name"}`} empty="No patients match." />;
}
