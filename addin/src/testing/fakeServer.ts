/**
 * A fake Folio server for the app's component tests: the API client's calls as vitest mocks
 * over an in-memory job list, and a job watcher whose handlers a test drives by hand
 * (`handlers.get(id).onFinished(...)`). The workbook it "parses" is the test's own sheets.
 * Test support only: nothing in the app imports it.
 */
import { vi } from "vitest";
import type { ApiClient } from "../api/client";
import type { WatchHandlers } from "../api/jobSocket";
import type { Cell, JobRecord } from "../api/types";
import type { FolioServices } from "../hooks/useFolio";

export interface JobRequest {
  kind: string;
  scenarios?: { name: string }[];
}

export function fakeServer(sheets: Record<string, Cell[][]>, jobExtras: (req: JobRequest) => Partial<JobRecord> = () => ({})) {
  const handlers = new Map<string, WatchHandlers>();
  const jobs = new Map<string, JobRecord>();
  const api = {
    health: vi.fn(async () => ({ status: "ok", version: "0.1.0" })),
    demoWorkbook: vi.fn(async () => new Blob(["xlsx"])),
    parseWorkbook: vi.fn(async (): Promise<{ sheets: Record<string, Cell[][]> }> => ({ sheets })),
    createDataset: vi.fn(async () => ({ id: "ds-1", name: "Demo workbook" })),
    createJob: vi.fn(async (req: JobRequest) => {
      const rec = { id: `job-${jobs.size + 1}`, kind: req.kind, status: "queued", ...jobExtras(req) } as JobRecord;
      jobs.set(rec.id, rec);
      return rec;
    }),
    getJob: vi.fn(async (id: string) => jobs.get(id)!),
    cancelJob: vi.fn(async () => undefined),
    resultWorkbook: vi.fn(async () => new Blob(["x"])),
    describeServer: () => "http://test",
  };
  const services: FolioServices = {
    createClient: () => api as unknown as ApiClient,
    createWatcher: () => ({
      watch: (id, h) => {
        handlers.set(id, h);
        return () => handlers.delete(id);
      },
      close: () => handlers.clear(),
    }),
  };
  return { api, services, handlers, jobs };
}
