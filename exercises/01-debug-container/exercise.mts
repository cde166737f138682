import type { Exercise } from "../../harness/types.ts";
import { containerStaysUp, currentDate, httpGet, imageBuilds, logsHaveNo } from "../../harness/checks/docker.ts";

const exercise: Omit<Exercise, "id"> = {
  title: "Debug a container that runs but misbehaves",
  order: 1,
  requires: ["docker"],
  editable: ["server.js", "package.json", "Dockerfile", ".dockerignore"],
  docs: ["docker.md", "debugging-containers.md"],
  hints: [
    "The container keeps running, so `docker ps` looks fine. Look at what it prints: `docker logs <container>`.",
    "The log says which name is not defined. Compare it with the functions server.js really defines.",
    "GET /health must answer 200 with today's date in the body; try `curl -i localhost:8080/health` after `docker run -d -p 8080:8080 …`.",
  ],
  starterFails: ["health-returns-date", "logs-clean"],
  checks: [
    imageBuilds(),
    containerStaysUp({ seconds: 5 }),
    httpGet("/health", { id: "health-returns-date" }).returns(200).bodyHas(currentDate()),
    logsHaveNo(/\b(Error|ReferenceError|TypeError|is not defined|Unhandled)\b/i, { requestPath: "/health", seconds: 6 }),
  ],
};

export default exercise;
