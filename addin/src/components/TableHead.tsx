import type { ReactNode } from "react";

/** One column header of a data table: numbers are right-aligned ("num"), a hint shows on hover,
 * a hidden label is read by screen readers only (e.g. a column of bars). */
export interface HeadColumn {
  label: ReactNode;
  key?: string;
  num?: boolean;
  title?: string;
  hidden?: boolean;
}

/** The header row every data table of the app shares. */
export function TableHead({ columns }: { columns: HeadColumn[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={c.key ?? (typeof c.label === "string" ? c.label : i)} scope="col" className={c.num ? "num" : undefined} title={c.title}>
            {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
