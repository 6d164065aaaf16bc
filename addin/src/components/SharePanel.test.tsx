import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ApiClient } from "../api/client";
import { ApiError } from "../api/errors";
import type { PlanResult, Share } from "../api/types";
import { useShares } from "../hooks/useShares";
import type { FinishedResult } from "../hooks/useJob";
import { ResultsPanel } from "./ResultsPanel";

const plan: PlanResult = {
  plan: [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit"], [1, 1, "P1", 0, 10, 100, 40]],
  totals: { units: 10, revenue: 100, profit: 40, products: 1, slots_used: 1 },
  rules: [],
  convergence: [],
};

function fakeApi(existing: Share[] = []) {
  const store = [...existing];
  let n = 0;
  const api = {
    listShares: vi.fn(async () => store.map((s) => ({ ...s }))),
    createShare: vi.fn(async (job: string, days: number) => {
      const created = new Date().toISOString();
      const s = { id: `sh_${++n}`, job, created_at: created, expires_at: new Date(Date.now() + days * 86_400_000).toISOString(), revoked_at: null, active: true };
      store.push(s);
      return { ...s, url: `http://folio.test/s/token${n}` };
    }),
    revokeShare: vi.fn(async (_job: string, id: string) => {
      const s = store.find((x) => x.id === id)!;
      Object.assign(s, { revoked_at: new Date().toISOString(), active: false });
      return { ...s };
    }),
  };
  return api;
}

function Harness({ api, finished }: { api: ReturnType<typeof fakeApi>; finished: FinishedResult }) {
  const shares = useShares(api as unknown as ApiClient);
  return (
    <ResultsPanel mode="browser" results={{ plan: finished }} shownKind="plan" onShow={() => {}} onWrite={() => {}} onDownload={() => {}} busy={false} context={{}} shares={shares} />
  );
}

const finished = (status: FinishedResult["status"] = "succeeded"): FinishedResult => ({ jobId: "job-1", kind: "plan", status, result: plan });

describe("sharing a finished plan", () => {
  it("makes a link with the chosen expiry, copies it, lists it live and revokes it after a confirm", async () => {
    const old = { id: "sh_old", job: "job-1", created_at: "2020-01-01T00:00:00Z", expires_at: "2020-01-08T00:00:00Z", revoked_at: null, active: false };
    const api = fakeApi([old]);
    const writeText = vi.fn(async () => {});
    Object.assign(navigator, { clipboard: { writeText } });
    render(<Harness api={api} finished={finished()} />);
    fireEvent.click(screen.getByTestId("share-open"));
    expect(screen.getByTestId("share-open")).toHaveAttribute("aria-expanded", "true");
    await waitFor(() => expect(api.listShares).toHaveBeenCalledWith("job-1"));
    // an expired link is not live
    await waitFor(() => expect(screen.getByTestId("share-none")).toHaveTextContent("No live links"));

    fireEvent.change(screen.getByTestId("share-expiry"), { target: { value: "30" } });
    fireEvent.click(screen.getByTestId("share-create"));
    await waitFor(() => expect(screen.getByTestId("share-url")).toHaveValue("http://folio.test/s/token1"));
    expect(api.createShare).toHaveBeenCalledWith("job-1", 30, Intl.DateTimeFormat().resolvedOptions().timeZone) // the sharer's clock for the page;
    expect(screen.getByTestId("share-copied")).toHaveTextContent("Shown once: copy it now");
    expect(screen.getByTestId("share-copied")).toHaveTextContent("expires in 30 days");
    fireEvent.click(screen.getByTestId("share-copy"));
    await waitFor(() => expect(screen.getByTestId("share-copied")).toHaveTextContent("Link copied."));
    expect(writeText).toHaveBeenCalledWith("http://folio.test/s/token1");

    const links = screen.getAllByTestId("share-link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveTextContent("expires in 30 days");
    expect(links[0]).toHaveTextContent("the link above");
    fireEvent.click(within(links[0]).getByTestId("share-revoke"));
    // nothing revoked before the confirm; Keep goes back
    expect(api.revokeShare).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("share-revoke-keep"));
    fireEvent.click(within(screen.getByTestId("share-link")).getByTestId("share-revoke"));
    fireEvent.click(screen.getByTestId("share-revoke-confirm"));
    await waitFor(() => expect(screen.getByTestId("share-none")).toBeInTheDocument());
    expect(api.revokeShare).toHaveBeenCalledWith("job-1", "sh_1");
    // the revoked link's url is gone from the panel too
    expect(screen.queryByTestId("share-url")).toBeNull();
    fireEvent.click(screen.getByTestId("share-close"));
    expect(screen.queryByTestId("share-panel")).toBeNull();
  });

  it("falls back to selecting the link when the clipboard is refused (an Office frame)", async () => {
    const api = fakeApi();
    Object.assign(navigator, { clipboard: { writeText: vi.fn(async () => Promise.reject(new Error("NotAllowedError"))) } });
    const exec = vi.fn(() => false);
    Object.assign(document, { execCommand: exec });
    render(<Harness api={api} finished={finished("cancelled")} />);
    fireEvent.click(screen.getByTestId("share-open"));
    await screen.findByTestId("share-none");
    fireEvent.click(screen.getByTestId("share-create"));
    const url = (await screen.findByTestId("share-url")) as HTMLInputElement;
    fireEvent.click(screen.getByTestId("share-copy"));
    await waitFor(() => expect(screen.getByTestId("share-copied")).toHaveTextContent("press Ctrl+C"));
    expect(exec).toHaveBeenCalledWith("copy");
    expect([url.selectionStart, url.selectionEnd]).toEqual([0, url.value.length]);
  });

  it("says what Copy did for the link it was done on; a newer link starts with its own shown-once line", async () => {
    const api = fakeApi();
    Object.assign(navigator, { clipboard: { writeText: vi.fn(async () => {}) } });
    render(<Harness api={api} finished={finished()} />);
    fireEvent.click(screen.getByTestId("share-open"));
    await screen.findByTestId("share-none");
    fireEvent.click(screen.getByTestId("share-create"));
    await waitFor(() => expect(screen.getByTestId("share-url")).toHaveValue("http://folio.test/s/token1"));
    fireEvent.click(screen.getByTestId("share-copy"));
    await waitFor(() => expect(screen.getByTestId("share-copied")).toHaveTextContent("Link copied."));
    fireEvent.click(screen.getByTestId("share-create"));
    await waitFor(() => expect(screen.getByTestId("share-url")).toHaveValue("http://folio.test/s/token2"));
    expect(screen.getByTestId("share-copied")).toHaveTextContent("Shown once: copy it now");
  });

  it("shows the server's refusal in the panel, and offers no Share for a failed job", async () => {
    const api = fakeApi();
    api.createShare.mockRejectedValueOnce(new ApiError({ status: 409, code: "conflict", detail: "only a finished plan can be shared" }));
    const { unmount } = render(<Harness api={api} finished={finished()} />);
    fireEvent.click(screen.getByTestId("share-open"));
    await screen.findByTestId("share-none");
    await act(async () => fireEvent.click(screen.getByTestId("share-create")));
    expect(await screen.findByTestId("share-problem")).toHaveTextContent("only a finished plan can be shared");
    unmount();
    render(<Harness api={api} finished={finished("failed")} />);
    expect(screen.queryByTestId("share-open")).toBeNull();
  });
});
