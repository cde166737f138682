// simple-node's request handler, kept apart from server.js so the tests can
// start it on a free port without Docker.
const http = require("http");

function createServer() {
  return http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok\n");
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
  });
}

module.exports = { createServer };
