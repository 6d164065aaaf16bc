import type { WorkbookAdapter } from "./adapter";
import { BrowserAdapter } from "./browser";
import { ExcelAdapter } from "./excel";

export type HostKind = "excel" | "browser";

interface OfficeLike {
  onReady(): Promise<{ host: unknown; platform?: unknown }>;
  HostType?: { Excel?: unknown };
}

/**
 * Excel or the standalone page? No `Office` global (index.html never loads Office.js), or
 * `Office.onReady` giving `host: null` (taskpane.html opened in a plain browser) = page.
 */
export async function detectHost(
  office: OfficeLike | undefined = (globalThis as { Office?: OfficeLike }).Office,
  timeoutMs = 4000,
): Promise<HostKind> {
  if (!office || typeof office.onReady !== "function") return "browser";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ host: null }>((resolve) => {
    timer = setTimeout(() => resolve({ host: null }), timeoutMs);
  });
  try {
    const info = await Promise.race([office.onReady(), timeout]);
    const excel = office.HostType?.Excel ?? "Excel";
    return info && info.host != null && (info.host === excel || info.host === "Excel") ? "excel" : "browser";
  } catch {
    return "browser";
  } finally {
    clearTimeout(timer);
  }
}

export async function createAdapter(): Promise<WorkbookAdapter> {
  return (await detectHost()) === "excel" ? new ExcelAdapter() : new BrowserAdapter();
}
