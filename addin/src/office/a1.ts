import type { ProblemItem } from "../api/types";

/** 0-based column index -> letters (0 -> A, 26 -> AA). */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function toA1(row: number, column: number): string {
  return `${columnLetters(column)}${row + 1}`;
}

/** "C5" -> {row: 4, column: 2}; "$C$5" accepted; undefined for anything else. */
export function parseA1(cell: string): { row: number; column: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(cell.trim());
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]) - 1, column: col - 1 };
}

/** "Sheet 1!A1:C10" -> {sheet, start, end} (0-based, inclusive). */
export function parseRangeAddress(address: string): {
  sheet?: string;
  start: { row: number; column: number };
  end: { row: number; column: number };
} | undefined {
  const bang = address.lastIndexOf("!");
  const sheet = bang >= 0 ? address.slice(0, bang).replace(/^'(.*)'$/, "$1").replace(/''/g, "'") : undefined;
  const local = bang >= 0 ? address.slice(bang + 1) : address;
  const [a, b] = local.split(":");
  const start = parseA1(a);
  const end = parseA1(b ?? a);
  if (!start || !end) return undefined;
  return { sheet, start, end };
}

/**
 * Where a reported problem sits relative to the table as sent (header = row 0):
 * from its A1 `cell` when given, else from `row` (1-based, header = 1) and `column` name.
 */
export function problemOffset(
  item: ProblemItem,
  header: readonly unknown[] | undefined,
): { row: number; column: number } | undefined {
  if (item.cell) {
    const p = parseA1(item.cell);
    if (p) return p;
  }
  if (typeof item.row !== "number" || item.row < 1) return undefined;
  let column = 0;
  if (item.column && header) {
    const want = item.column.trim().toLowerCase();
    const i = header.findIndex((h) => String(h ?? "").trim().toLowerCase() === want);
    if (i >= 0) column = i;
  }
  return { row: item.row - 1, column };
}
