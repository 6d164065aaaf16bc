/**
 * Share one finished plan: make a read-only link with an expiry, copy it (the clipboard, else the
 * selected text for Ctrl+C), list the live links with their expiry and revoke one (confirmed in
 * place: Office task panes have no window.confirm). Works the same on the page and in the pane.
 */
import { useEffect, useRef, useState } from "react";
import type { ShareControls } from "../hooks/useShares";
import { DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES, expiryWords, liveShares, whenWords } from "../state/shares";
import { copyText } from "./clipboard";
import { plannerTitle } from "./problemWords";

export function SharePanel({ controls, now = Date.now }: { controls: ShareControls; now?: () => number }) {
  const [days, setDays] = useState(DEFAULT_EXPIRY_DAYS);
  // what Copy did, for the link it was done on: a newer link shows its own "shown once" line
  const [copiedNote, setCopiedNote] = useState<{ shareId: string; text: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const { created, busy, problem } = controls;
  const live = liveShares(controls.shares, now());

  const copied = created && copiedNote?.shareId === created.id ? copiedNote.text : null;

  // a new link: its field selected, so Ctrl+C works at once. No state is reset here: a passive
  // effect can run after a quick Copy click and would wipe what Copy said.
  useEffect(() => {
    if (created) field.current?.select();
  }, [created]);

  const copy = async () => {
    if (!created) return;
    const outcome = await copyText(created.url, field.current);
    setCopiedNote({ shareId: created.id, text: outcome === "copied" ? "Link copied." : "Selected: press Ctrl+C (⌘C on a Mac) to copy it." });
  };

  return (
    <div className="share" role="region" aria-label="Share this plan" data-testid="share-panel">
      <div className="share__head">
        <h3>Share a read-only page of this plan</h3>
        <button type="button" className="icon-button" aria-label="Close sharing" onClick={controls.close} data-testid="share-close">
          ×
        </button>
      </div>
      <p className="small muted share__what">
        Anyone with the link sees this plan's figures, business case, charts and rows, without an access token, and
        nothing else: no other plan, no data, no way to start or stop anything. The link stops working when it expires
        or when you revoke it.
      </p>
      <div className="share__make">
        <label className="field">
          <span className="share__label">Link works for</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="share-expiry" disabled={!!busy}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.days} value={c.days}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button--primary" onClick={() => controls.create(days)} disabled={!!busy} data-testid="share-create">
          {busy === "create" ? "Making the link…" : "Create link"}
        </button>
      </div>
      {problem && (
        <p className="share__problem" role="alert" data-testid="share-problem">
          {[plannerTitle(problem), problem.detail].filter(Boolean).join(": ")}
        </p>
      )}
      {created && (
        <div className="share__created" data-testid="share-created">
          <div className="share__url">
            <input ref={field} type="text" readOnly value={created.url} aria-label="The new link" data-testid="share-url" onFocus={(e) => e.target.select()} />
            <button type="button" className="button" onClick={() => void copy()} data-testid="share-copy">
              Copy
            </button>
          </div>
          <p className="small share__once" role="status" data-testid="share-copied">
            {copied ?? `Shown once: copy it now (Folio keeps only a fingerprint of it). It ${expiryWords(created.expires_at, now())}.`}
          </p>
        </div>
      )}
      <h4 className="share__list-title">
        Live links <span className="muted small">{busy === "list" ? "loading…" : live.length}</span>
      </h4>
      {live.length === 0 && busy !== "list" ? (
        <p className="small muted" data-testid="share-none">
          No live links to this plan.
        </p>
      ) : (
        <ul className="share__list" data-testid="share-list">
          {live.map((s) => (
            <li key={s.id} className="share-link" data-testid="share-link">
              <div className="share-link__text">
                <span className="share-link__expiry" title={`until ${whenWords(s.expires_at)}`}>
                  {expiryWords(s.expires_at, now())}
                </span>
                <span className="muted small">
                  {created?.id === s.id ? "the link above · " : ""}made {whenWords(s.created_at)} · until {whenWords(s.expires_at)}
                </span>
              </div>
              {confirming === s.id ? (
                <span className="share-link__confirm">
                  <button
                    type="button"
                    className="button button--small button--danger"
                    onClick={() => {
                      setConfirming(null);
                      controls.revoke(s.id);
                    }}
                    disabled={!!busy}
                    data-testid="share-revoke-confirm"
                  >
                    Revoke
                  </button>
                  <button type="button" className="button button--small" onClick={() => setConfirming(null)} data-testid="share-revoke-keep">
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="button button--small" onClick={() => setConfirming(s.id)} disabled={!!busy} data-testid="share-revoke">
                  Revoke…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {confirming && <p className="small muted">Revoked links answer “not found” at once, for everyone who has them.</p>}
    </div>
  );
}
