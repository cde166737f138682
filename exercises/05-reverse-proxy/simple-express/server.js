// simple-express: the backend. It only knows its own routes (/health); it has
// never heard of the /api/ prefix the reverse proxy puts in front of it.
const express = require("express");

const app = express();
const PORT = Number(process.env.PORT) || 8080;

app.get("/health", (req, res) => {
  res.status(200).send("Hello!");
});

const server = app.listen(PORT, () => {
  console.log(`simple-express listening on port ${PORT}`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
