import { useEffect, useState } from "react";
import type { ConnectionSettings } from "../api/settings";

export function ConnectionPanel({
  className,
  connection,
  onSave,
  health,
  server,
}: {
  className?: string;
  connection: ConnectionSettings;
  onSave(c: ConnectionSettings): void;
  health: { state: "checking" | "ok" | "down"; version?: string };
  server: string;
}) {
  const [draft, setDraft] = useState(connection);
  useEffect(() => setDraft(connection), [connection]);
  const dirty = draft.baseUrl !== connection.baseUrl || draft.token !== connection.token;
  return (
    <details className={`card connection ${className ?? ""}`} open={health.state === "down" || undefined}>
      <summary>
        <span>Server connection</span>
        <span className={`dot dot--${health.state}`} aria-hidden="true" />
        <span className="muted small" data-testid="health">
          {health.state === "ok" ? `Connected${health.version ? ` · v${health.version}` : ""}` : health.state === "down" ? "Unreachable" : "Checking…"}
        </span>
      </summary>
      <form
        className="connection__form"
        onSubmit={(e) => {
          e.preventDefault();
          onSave(draft);
        }}
      >
        <div className="field">
          <label htmlFor="conn-url">Server URL</label>
          <input
            id="conn-url"
            type="url"
            placeholder={server}
            value={draft.baseUrl}
            onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
            data-testid="connection-url"
          />
          <span className="field__hint">Empty = the server that served this page.</span>
        </div>
        <div className="field">
          <label htmlFor="conn-token">Access token</label>
          <input
            id="conn-token"
            type="password"
            autoComplete="off"
            value={draft.token}
            onChange={(e) => setDraft({ ...draft, token: e.target.value })}
            data-testid="connection-token"
          />
          <span className="field__hint">Only when the server runs with FOLIO_TOKEN. Kept in this browser.</span>
        </div>
        <div className="row row--end">
          <button type="submit" className="button" disabled={!dirty && health.state !== "down"}>
            {dirty ? "Save and reconnect" : "Reconnect"}
          </button>
        </div>
      </form>
    </details>
  );
}
