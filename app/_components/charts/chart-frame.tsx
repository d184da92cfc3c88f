import type { ReactNode } from "react";
import styles from "./charts.module.css";

export interface ChartTable {
  caption: string;
  /** Column headers; the first names the row headers' column. */
  columns: string[];
  rows: { header: string; cells: (string | number)[] }[];
  /** A last row, e.g. totals. */
  footer?: { header: string; cells: (string | number)[] };
}

/**
 * A chart with its title, an empty state, and the same numbers as a table (for screen readers and
 * copying). Server-rendered; the chart itself is a client component passed as children.
 */
export function ChartFrame({
  id,
  title,
  description,
  empty,
  emptyText = "No episodes in this period.",
  table,
  children,
  after,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  empty: boolean;
  emptyText?: string;
  table: ChartTable;
  children: ReactNode;
  after?: ReactNode;
}) {
  return (
    <figure className={styles.chart} data-testid={`chart-${id}`}>
      <figcaption>
        <h3 id={`chart-${id}-title`} className={styles.title}>
          {title}
        </h3>
        {description && <p className={styles.description}>{description}</p>}
      </figcaption>
      {empty ? (
        <p className={styles.empty} role="note">
          {emptyText}
        </p>
      ) : (
        <div className={styles.plot} data-chart-plot>
          {children}
        </div>
      )}
      {after}
      <details className={styles.tableView}>
        <summary>Table view</summary>
        <div className="table-wrap">
          <table className="data">
            <caption>{table.caption}</caption>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r, i) => (
                <tr key={`${r.header}-${i}`}>
                  <th scope="row">{r.header}</th>
                  {r.cells.map((c, j) => (
                    <td key={j}>{c}</td>
                  ))}
                </tr>
              ))}
              {table.rows.length === 0 && (
                <tr>
                  <td colSpan={table.columns.length} className="muted">
                    No rows.
                  </td>
                </tr>
              )}
            </tbody>
            {table.footer && (
              <tfoot>
                <tr>
                  <th scope="row">{table.footer.header}</th>
                  {table.footer.cells.map((c, j) => (
                    <td key={j}>{c}</td>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </details>
    </figure>
  );
}
