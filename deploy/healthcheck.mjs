// The image's HEALTHCHECK: GET /health on PORT, with node's fetch since slim images have no curl.
// Exit 0 = healthy, 1 = unhealthy, as Docker expects.
const port = process.env.PORT?.trim() || '3000';
const url = `http://127.0.0.1:${port}/health`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) {
    console.error(`${url} answered ${response.status}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
