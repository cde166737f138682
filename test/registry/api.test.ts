// The registry v2 API client against msw stand-ins (engine-backed tests use the real registry).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { describeContents, getManifest, listAll, listTags, pingRegistry, RegistryApiError } from "../../harness/registry/api.ts";

const HOST = "registry.test:5000";
const BASE = `http://${HOST}`;
const ep = { host: HOST, auth: { username: "u", password: "p" } };

const server = setupServer(
  http.get(`${BASE}/v2/`, ({ request }) => (request.headers.get("authorization") ? HttpResponse.json({}) : new HttpResponse(null, { status: 401 }))),
  http.get(`${BASE}/v2/_catalog`, () => HttpResponse.json({ repositories: ["me/simple-node", "other/x"] })),
  http.get(`${BASE}/v2/me/simple-node/tags/list`, () => HttpResponse.json({ name: "me/simple-node", tags: ["latest", "1.0.0"] })),
  http.get(`${BASE}/v2/other/x/tags/list`, () => HttpResponse.json({ name: "other/x", tags: null })),
  http.get(`${BASE}/v2/nope/tags/list`, () => HttpResponse.json({ errors: [{ code: "NAME_UNKNOWN" }] }, { status: 404 })),
  http.get(`${BASE}/v2/me/simple-node/manifests/:ref`, ({ params, request }) => {
    if (params.ref !== "1.0.0") return new HttpResponse(null, { status: 404 });
    expect(request.headers.get("accept")).toMatch(/manifest\.v2\+json/);
    return HttpResponse.json(
      { schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json", config: { digest: "sha256:cfg" } },
      { headers: { "docker-content-digest": "sha256:man" } },
    );
  }),
);

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("registry v2 API", () => {
  it("pings with basic auth", async () => {
    expect(await pingRegistry(ep)).toBe(200);
    expect(await pingRegistry({ host: HOST })).toBe(401);
  });

  it("lists repositories with their tags, sorted", async () => {
    const all = await listAll(ep);
    expect(all).toEqual({ "me/simple-node": ["1.0.0", "latest"], "other/x": [] });
    expect(describeContents(all)).toBe("me/simple-node:1.0.0, me/simple-node:latest, other/x (no tags)");
    expect(describeContents({})).toBe("nothing (the registry is empty)");
  });

  it("treats an unknown repository as having no tags", async () => {
    expect(await listTags(ep, "nope")).toEqual([]);
  });

  it("reads a manifest's digest and config digest; undefined for an unknown tag", async () => {
    expect(await getManifest(ep, "me/simple-node", "1.0.0")).toEqual({
      digest: "sha256:man",
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      configDigest: "sha256:cfg",
    });
    expect(await getManifest(ep, "me/simple-node", "2.0.0")).toBeUndefined();
  });

  it("explains an unexpected status", async () => {
    server.use(http.get(`${BASE}/v2/_catalog`, () => new HttpResponse("no", { status: 500 })));
    await expect(listAll(ep)).rejects.toThrow(RegistryApiError);
    await expect(listAll(ep)).rejects.toThrow(/_catalog.*status 500/);
  });
});
