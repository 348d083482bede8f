/** HTTP helpers of the multi-worker tests: JSON answers, and waiting on an async condition. */

export interface JsonAnswer {
  status: number;
  /** The parsed body, or `{ text }` when it is not JSON. */
  body: Record<string, unknown>;
  headers: Headers;
}

/** GETs (or `init`s) a URL with a 15 s bound and parses the answer's JSON. */
export async function getJson(url: string, init?: RequestInit): Promise<JsonAnswer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

/** Polls `condition` every 200 ms (a rejection counts as false) until it holds or `timeoutMs` passed. */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  while (!(await condition().catch(() => false))) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
