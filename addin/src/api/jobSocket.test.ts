import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobSocket } from "./jobSocket";
import type { SocketLike } from "./jobSocket";
import type { JobRecord } from "./types";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedByClient = false;
  onopen: SocketLike["onopen"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  onmessage: SocketLike["onmessage"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  drop() {
    this.readyState = 3;
    this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }
  message(msg: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(msg) }));
  }
}

const record = (status: JobRecord["status"]): JobRecord => ({ id: "j1", kind: "plan", status });

function setup(poll = vi.fn(async (): Promise<JobRecord> => record("running"))) {
  const sockets: FakeSocket[] = [];
  const states: string[] = [];
  const client = new JobSocket({
    url: () => "ws://h/ws?token=t",
    poll,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    initialDelayMs: 100,
    maxDelayMs: 1000,
    pollIntervalMs: 500,
    random: () => 0,
    onConnectionChange: (s) => states.push(s),
  });
  return { client, sockets, states, poll };
}

describe("JobSocket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("subscribes on open and routes state, progress and finished", () => {
    const { client, sockets } = setup();
    const onState = vi.fn();
    const onProgress = vi.fn();
    const onFinished = vi.fn();
    client.watch("j1", { onState, onProgress, onFinished });
    expect(sockets).toHaveLength(1);
    expect(sockets[0].url).toBe("ws://h/ws?token=t");
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ subscribe: "j1" }]);

    sockets[0].message({ type: "state", job: "j1", record: record("running") });
    sockets[0].message({ type: "progress", job: "j1", generation: 3, of: 10, best: 5, mean: 4, feasible_share: 1, elapsed_s: 0.2 });
    sockets[0].message({ type: "progress", job: "other", generation: 1, of: 2 });
    sockets[0].message("not json");
    sockets[0].message({ type: "finished", job: "j1", status: "succeeded" });
    sockets[0].message({ type: "finished", job: "j1", status: "succeeded" });

    expect(onState).toHaveBeenCalledWith(record("running"));
    expect(onProgress).toHaveBeenCalledTimes(1);
    expect(onProgress.mock.calls[0][0]).toMatchObject({ generation: 3, of: 10, best: 5 });
    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(onFinished).toHaveBeenCalledWith("succeeded", undefined);
  });

  it("finishes at once when the first state is already terminal", () => {
    const { client, sockets } = setup();
    const onFinished = vi.fn();
    client.watch("j1", { onFinished });
    sockets[0].open();
    sockets[0].message({ type: "state", job: "j1", record: { ...record("failed"), error: { code: "infeasible", detail: "x" } } });
    expect(onFinished).toHaveBeenCalledWith("failed", { code: "infeasible", detail: "x" });
  });

  it("fails a job the server does not know", () => {
    const { client, sockets } = setup();
    const onFinished = vi.fn();
    client.watch("j9", { onFinished });
    sockets[0].open();
    sockets[0].message({ type: "error", code: "not_found", detail: "job 'j9' does not exist", job: "j9" });
    expect(onFinished).toHaveBeenCalledWith("failed", expect.objectContaining({ code: "not_found", detail: "job 'j9' does not exist" }));
  });

  it("reconnects with exponential backoff and re-subscribes every watched job", () => {
    const { client, sockets, states } = setup();
    client.watch("j1", {});
    client.watch("j2", {});
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ subscribe: "j1" }, { subscribe: "j2" }]);

    sockets[0].drop();
    expect(client.state).toBe("down");
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2); // after 100 ms
    sockets[1].drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3); // after 200 ms
    sockets[2].open();
    expect(sockets[2].sent).toEqual([{ subscribe: "j1" }, { subscribe: "j2" }]);
    expect(client.state).toBe("open");

    // the backoff starts again from the first delay after a good connection
    sockets[2].drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
    expect(states).toEqual(["connecting", "open", "down", "connecting", "down", "connecting", "open", "down", "connecting"]);
  });

  it("caps the backoff delay", () => {
    const { client } = setup();
    expect([0, 1, 2, 3, 4, 10].map((a) => client.backoffDelay(a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("polls GET /api/jobs/{id} while the socket is down, and stops when it is back", async () => {
    const poll = vi.fn(async (): Promise<JobRecord> => record("running"));
    const { client, sockets } = setup(poll);
    const onState = vi.fn();
    const onFinished = vi.fn();
    client.watch("j1", { onState, onFinished });
    sockets[0].drop(); // never opened: server unreachable
    await vi.advanceTimersByTimeAsync(500);
    expect(poll).toHaveBeenCalledWith("j1");
    expect(onState).toHaveBeenCalledWith(record("running"));

    // socket comes back: polling stops
    const reconnected = sockets[sockets.length - 1];
    reconnected.open();
    const calls = poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(poll.mock.calls.length).toBe(calls);

    // down again; the job finishes meanwhile: polling reports it once and stops
    reconnected.drop();
    poll.mockResolvedValue(record("succeeded"));
    await vi.advanceTimersByTimeAsync(500);
    expect(onFinished).toHaveBeenCalledWith("succeeded", undefined);
    const after = poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(poll.mock.calls.length).toBe(after);
    expect(onFinished).toHaveBeenCalledTimes(1);
  });

  it("keeps polling through fetch errors", async () => {
    const poll = vi.fn(async (): Promise<JobRecord> => {
      throw new Error("down");
    });
    const { client, sockets } = setup(poll);
    const onState = vi.fn();
    client.watch("j1", { onState });
    sockets[0].drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(onState).not.toHaveBeenCalled();
  });

  it("stops reconnecting after close() and after the last watch is removed it stops polling", async () => {
    const { client, sockets, poll } = setup();
    const stop = client.watch("j1", {});
    sockets[0].drop();
    stop();
    await vi.advanceTimersByTimeAsync(2000);
    expect(poll).not.toHaveBeenCalled();
    client.close();
    const n = sockets.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sockets.length).toBe(n);
    expect(client.state).toBe("idle");
  });
});
