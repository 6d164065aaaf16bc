import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App";
import { createAdapter } from "./office/detect";
import "./styles.css";

async function start() {
  const root = createRoot(document.getElementById("root")!);
  const adapter = await createAdapter();
  document.documentElement.dataset.host = adapter.kind;
  root.render(
    <StrictMode>
      <App adapter={adapter} />
    </StrictMode>,
  );
}

void start();
