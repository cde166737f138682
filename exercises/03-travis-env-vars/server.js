// simple-node: the service the pipeline builds, tests and publishes.
const { createServer } = require("./app");

const PORT = process.env.PORT || 8080;

const server = createServer().listen(PORT, () => {
  console.log(`simple-node listening on port ${PORT}`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
