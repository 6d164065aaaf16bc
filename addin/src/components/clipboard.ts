/**
 * Copy text for the planner. The Clipboard API first; inside an Office task pane (an iframe that
 * may lack the clipboard-write permission) or an older browser it can be refused, so the fallback
 * selects the text in its field and asks the browser to copy the selection; if that is refused
 * too, the text stays selected for Ctrl+C.
 */
export type CopyOutcome = "copied" | "selected";

export async function copyText(text: string, field?: HTMLInputElement | null): Promise<CopyOutcome> {
  try {
    if (typeof navigator !== "undefined" && navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return "copied";
    }
  } catch {
    // refused (no permission in this frame): select and copy below
  }
  if (!field) return "selected";
  field.focus();
  field.select();
  field.setSelectionRange?.(0, field.value.length);
  try {
    // deprecated but still the one way that works in a frame without clipboard permission
    if (typeof document.execCommand === "function" && document.execCommand("copy")) return "copied";
  } catch {
    // refused as well: the selection stays for Ctrl+C
  }
  return "selected";
}
