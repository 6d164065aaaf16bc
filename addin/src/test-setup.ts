import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // pure tests run in node (no DOM, no storage): faster to start
  if (typeof localStorage !== "undefined") localStorage.clear();
});
