/** What the pane knows about the candidate products from their table: product_id -> name. */
import type { Table } from "../api/types";
import { columnKey } from "./mapping";

/** product_id -> name when the products table has a `name` column (else undefined). */
export function productNames(products: Table | undefined): Map<string, string> | undefined {
  if (!products || products.length < 2) return undefined;
  const header = products[0].map(columnKey);
  const id = header.indexOf("product_id");
  const name = header.indexOf("name");
  if (id < 0 || name < 0) return undefined;
  const out = new Map<string, string>();
  for (const row of products.slice(1)) {
    const key = row[id] === null || row[id] === undefined ? "" : String(row[id]).trim();
    const value = row[name] === null || row[name] === undefined ? "" : String(row[name]).trim();
    if (key && value) out.set(key, value);
  }
  return out.size ? out : undefined;
}
