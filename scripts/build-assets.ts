/**
 * Bundles the dashboard and the GraphiQL playground from npm packages into
 * static files the server serves itself (no CDN: they work on an offline LAN).
 * `npm run build` runs it after tsc; tests call buildAssets() into a temp dir.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'src/dashboard');
export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist/public');

interface Page {
  file: string;
  title: string;
  entry: string;
  body: string;
}

const PAGES: Page[] = [
  {
    file: 'index.html',
    title: 'netsentinel',
    entry: 'landing',
    body: `<main class="landing">
<h1>netsentinel</h1>
<p>Network anomaly detection for your home or small business.</p>
<nav>
<a class="card" href="/dashboard"><strong>Dashboard</strong><span>Live anomalies, noisy hosts, detector settings, models and training.</span></a>
<a class="card" href="/graphql"><strong>GraphQL playground</strong><span>Explore the schema, run queries, mutations and subscriptions.</span></a>
</nav>
<p class="api">API: <code>POST /graphql</code> · subscriptions over WebSocket at <code>/graphql</code> · <code>POST /predict</code> · <code>GET /healthz</code></p>
</main>`,
  },
  { file: 'dashboard.html', title: 'netsentinel · dashboard', entry: 'dashboard', body: '<div id="root"></div>' },
  { file: 'playground.html', title: 'netsentinel · GraphQL playground', entry: 'playground', body: '<div id="root" class="playground"></div>' },
];

const ENTRIES: Record<string, string> = {
  landing: path.join(SOURCE, 'landing.css'),
  dashboard: path.join(SOURCE, 'main.tsx'),
  playground: path.join(SOURCE, 'playground/main.tsx'),
};

export async function buildAssets(outDir = DEFAULT_OUT_DIR, { minify = true } = {}): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: ENTRIES,
    outdir: path.join(outDir, 'assets'),
    // Hashed names let the server cache bundles forever while HTML is revalidated.
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': JSON.stringify(minify ? 'production' : 'development') },
    minify,
    sourcemap: true,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: path.join(SOURCE, 'tsconfig.json'),
  });
  const outputs = entryOutputs(result.metafile, outDir);
  await Promise.all(PAGES.map((page) => writeFile(path.join(outDir, page.file), html(page, outputs[page.entry]))));
}

interface EntryOutput {
  js?: string;
  css?: string;
}

/** Maps each entry name to the URLs of its hashed script and stylesheet. */
function entryOutputs(metafile: Metafile, outDir: string): Record<string, EntryOutput> {
  const byEntry: Record<string, EntryOutput> = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const entry = Object.entries(ENTRIES).find(([, source]) => output.entryPoint && path.resolve(ROOT, output.entryPoint) === source)?.[0];
    if (!entry) continue;
    const url = (f: string) => `/${path.relative(outDir, path.resolve(ROOT, f)).split(path.sep).join('/')}`;
    byEntry[entry] = file.endsWith('.css') ? { css: url(file) } : { js: url(file), css: output.cssBundle && url(output.cssBundle) };
  }
  return byEntry;
}

function html(page: Page, output: EntryOutput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<link rel="icon" href="data:,">
${output.css ? `<link rel="stylesheet" href="${output.css}">` : ''}
${output.js ? `<script type="module" src="${output.js}"></script>` : ''}
</head>
<body>
${page.body}
</body>
</html>
`;
}

if (require.main === module) {
  const started = Date.now();
  buildAssets(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT_DIR).then(
    () => console.log(`assets built in ${Date.now() - started} ms`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
