// simple-node: the service we deploy to Kubernetes. It has no dependencies and
// answers GET /health, so a Service and a probe have something to talk to.
const http = require("http");

const PORT = Number(process.env.PORT) || 8080;

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(`ok from ${require("os").hostname()}\n`);
    return;
  }
  if (req.method === "GET" && req.url === "/") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("Hello from simple-node!\n");
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

server.listen(PORT, () => {
  console.log(`simple-node listening on port ${PORT}`);
});

// Kubernetes stops a pod with SIGTERM; exit promptly instead of waiting for SIGKILL.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
