// Measures the network viewer on a synthetic network (default 10,000 nodes, 100,000 edges) in
// headless Debian Chromium: time until drawn, frames per second while the camera moves, and
// how long finding a node takes. A measurement for docs/benchmarks.md, not a test.
//   BASE_URL=http://127.0.0.1:8000 node e2e/viewer-bench.mjs [nodes] [edges]
// against `observatory demo` (which signs loopback browsers in); the network the viewer
// downloads is replaced by the synthetic one in the browser.
import { launchChromium } from './browser.mjs';

const base = process.env.BASE_URL || 'http://127.0.0.1:8000';
const nodes = Number(process.argv[2] || 10000);
const edges = Number(process.argv[3] || 100000);

function synthetic(n, m) {
  // Deterministic: mulberry32, in 32-bit integer arithmetic.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const communities = 12;
  const out = { attributes: { name: 'synthetic' }, options: { type: 'undirected', multi: false, allowSelfLoops: false }, nodes: [], edges: [] };
  for (let i = 0; i < n; i += 1) {
    const c = i % communities;
    const angle = (c / communities) * Math.PI * 2;
    out.nodes.push({
      key: `n${i}`,
      attributes: {
        label: i % 5 === 0 ? `website-${i}.dk` : `term ${i}`,
        kind: i % 5 === 0 ? 'website' : 'noun',
        x: Math.cos(angle) * 1000 + (random() - 0.5) * 600,
        y: Math.sin(angle) * 1000 + (random() - 0.5) * 600,
        size: 2 + random() * 8,
        color: i % 5 === 0 ? '#1f77b4' : '#ff7f0e',
        community: c,
        community_color: '#2ca02c',
        degree: 0,
      },
    });
  }
  const seen = new Set();
  while (out.edges.length < m) {
    const a = Math.floor(random() * n);
    const sameCommunity = random() < 0.8;
    let b = Math.floor(random() * n);
    if (sameCommunity) b = b - (b % communities) + (a % communities);
    if (b >= n || a === b) continue;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.edges.push({ key: `e${out.edges.length}`, source: `n${a}`, target: `n${b}`, attributes: { weight: 1 } });
  }
  return JSON.stringify(out);
}

const body = synthetic(nodes, edges);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
await page.route('**/api/networks/*/download?format=json*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
if (process.env.VIEWER_JS) {
  const { readFileSync } = await import('node:fs');
  const script = readFileSync(process.env.VIEWER_JS, 'utf8');
  await page.route('**/assets/viewer.js*', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: script }));
}
// Frames per second while `work` runs, counted by requestAnimationFrame.
await page.addInitScript(() => {
  window.framesPerSecondDuring = async (work) => {
    let frames = 0;
    let running = true;
    const count = () => {
      frames += 1;
      if (running) requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    const t0 = performance.now();
    await work();
    running = false;
    return frames / ((performance.now() - t0) / 1000);
  };
});
// What this browser manages with nothing to draw: the ceiling for the numbers below.
await page.goto(`${base}/about`);
const baselineFps = await page.evaluate(() =>
  window.framesPerSecondDuring(() => new Promise((r) => setTimeout(r, 2000))));
const started = Date.now();
await page.goto(`${base}/networks/1/view`);
await page.waitForSelector('#viewer[data-ready="true"]', { timeout: 300_000 });
const ready = Date.now() - started;
const fps = await page.evaluate(() => window.framesPerSecondDuring(async () => {
  const zoomIn = document.getElementById('zoom-in');
  const zoomOut = document.getElementById('zoom-out');
  for (let i = 0; i < 6; i += 1) {
    (i % 2 === 0 ? zoomIn : zoomOut).click();
    await new Promise((r) => setTimeout(r, 500));
  }
}));
const findStarted = Date.now();
await page.fill('#node-query', `website-${(nodes - 5) - ((nodes - 5) % 5)}.dk`);
await page.press('#node-query', 'Enter');
await page.waitForSelector('#details-title');
const find = Date.now() - findStarted;
const hover = await page.evaluate(async () => {
  const t0 = performance.now();
  document.getElementById('filter-degree').value = '0';
  document.getElementById('color-by').value = 'community';
  document.getElementById('color-by').dispatchEvent(new Event('change'));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
});
console.log(JSON.stringify({ nodes, edges, json_mb: +(body.length / 1e6).toFixed(1), baseline_fps: +baselineFps.toFixed(1), ready_ms: ready, camera_fps: +fps.toFixed(1), find_ms: find, recolour_ms: +hover.toFixed(0) }));
await browser.close();
