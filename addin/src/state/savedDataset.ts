/**
 * The page's dataset across a reload, as pure functions. On the page the tables are an uploaded
 * workbook held in memory, which a reload loses, while the dataset made from them stays on the
 * server: the page remembers its id and name (localStorage, through the adapter's settings) and,
 * on load, gets it back from the API with its tables, which become the page's workbook again (one
 * sheet per table, mapped by name). In Excel the tables are the workbook's own: nothing to keep.
 */
import { ROLES } from "../api/types";
import type { DatasetRecord, Role, Table } from "../api/types";
import { trimTable } from "../office/adapter";
import { campaignCount, signature } from "./dataset";
import type { DatasetInfo } from "./dataset";

/** Key of the page's remembered dataset (the browser adapter keeps it in localStorage). */
export const SETTING_DATASET = "folio.dataset";

export interface SavedDataset {
  id: string;
  name: string;
  /** the sheet each table was read from ("Sales 2025" for the history): its name again after a reload */
  sheets?: Partial<Record<Role, string>>;
}

/** What the page keeps of a dataset it made: its id, the name it was made under, its sheets' names. */
export function savedDataset(info: Pick<DatasetInfo, "id" | "sheets">, name: string | undefined): SavedDataset {
  const sheets = info.sheets && Object.keys(info.sheets).length ? { sheets: { ...info.sheets } } : {};
  return { id: info.id, name: name || "Workbook", ...sheets };
}

/** Sheet names read back: known roles, short non-empty text, each name once. */
function sheetNames(raw: unknown): Partial<Record<Role, string>> | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const names: Partial<Record<Role, string>> = {};
  const seen = new Set<string>();
  for (const role of ROLES) {
    const name = (raw as Record<string, unknown>)[role];
    if (typeof name !== "string" || !name.trim() || name.length > 100 || seen.has(name)) continue;
    names[role] = name;
    seen.add(name);
  }
  return Object.keys(names).length ? names : undefined;
}

/** A remembered dataset read back, or undefined for anything that is not one (a hand edit, an old shape). */
export function parseSavedDataset(raw: unknown): SavedDataset | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { id, name, sheets } = raw as Record<string, unknown>;
  if (typeof id !== "string" || !/^ds_[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
  const names = sheetNames(sheets);
  return { id, name: typeof name === "string" && name.trim() ? name.slice(0, 200) : "Workbook", ...(names ? { sheets: names } : {}) };
}

export interface RestoredWorkbook {
  /** one sheet per table of the dataset, under the name it had when the dataset was made (else its role's) */
  sheets: Record<string, Table>;
  /** the sheet of each role: the page maps them so */
  roles: Partial<Record<Role, string>>;
  name: string;
  /** the dataset as if the page had just sent these sheets: the next run reuses it */
  dataset: DatasetInfo;
}

/**
 * The page's workbook again from the dataset the server kept (`GET /api/datasets/{id}` with its
 * tables): undefined when the record has no history table to plan from. The signature is that
 * of the tables as the page will read them back (trimmed, in role order), so a run on the
 * restored data sends nothing new.
 */
export function restoredWorkbook(record: DatasetRecord, saved: SavedDataset): RestoredWorkbook | undefined {
  const tables: Partial<Record<Role, Table>> = {};
  const rows: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    const table = record.tables?.[role];
    if (!Array.isArray(table) || !table.every(Array.isArray)) continue;
    tables[role] = trimTable(table);
    rows[role] = Math.max(0, tables[role]!.length - 1);
  }
  if (!tables.history || tables.history.length < 1) return undefined;
  const sheets: Record<string, Table> = {};
  const roles: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    if (!tables[role]) continue;
    const kept = saved.sheets?.[role];
    const sheet = kept && !(kept in sheets) ? kept : role;
    sheets[sheet] = tables[role]!;
    roles[role] = sheet;
  }
  const name = typeof record.name === "string" && record.name.trim() ? record.name : saved.name;
  const dataset = {
    id: record.id || saved.id, name, campaigns: campaignCount(tables.history), signature: signature(tables), rows,
    warnings: record.warnings ?? [], ...(saved.sheets ? { sheets: roles } : {}),
  };
  return { sheets, roles, name, dataset };
}

/** Whether a failed look-up means the remembered dataset is gone (dropped quietly) rather than unreachable for now. */
export function datasetGone(code: string | undefined): boolean {
  return code === "not_found";
}
