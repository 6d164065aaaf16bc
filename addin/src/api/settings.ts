/** Connection settings (server URL and bearer token), kept in localStorage. */

export interface ConnectionSettings {
  /** Base URL of the Folio server; "" = the origin that served this page. */
  baseUrl: string;
  /** Bearer token when the server runs with FOLIO_TOKEN; "" = none. */
  token: string;
}

const KEY = "folio.connection";

export const DEFAULT_CONNECTION: ConnectionSettings = { baseUrl: "", token: "" };

export function loadConnection(storage: Storage | undefined = safeStorage()): ConnectionSettings {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return { ...DEFAULT_CONNECTION };
    const parsed = JSON.parse(raw) as Partial<ConnectionSettings>;
    return {
      baseUrl: typeof parsed.baseUrl === "string" ? parsed.baseUrl : "",
      token: typeof parsed.token === "string" ? parsed.token : "",
    };
  } catch {
    return { ...DEFAULT_CONNECTION };
  }
}

export function saveConnection(
  settings: ConnectionSettings,
  storage: Storage | undefined = safeStorage(),
): void {
  try {
    storage?.setItem(KEY, JSON.stringify({ baseUrl: settings.baseUrl.trim(), token: settings.token.trim() }));
  } catch {
    // storage may be disabled (private mode); settings then live for this session only
  }
}

/** localStorage, or undefined where it is missing or disabled (private mode, sandboxed frames). */
export function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
