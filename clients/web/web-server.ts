import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { closeServer, listen, type ServiceHandle } from '../../platform/http';
import type { WebConfig } from './web-config';
import { clinicianPage, indexPage, patientPage, STYLES } from './web-pages';

export interface WebHandle extends ServiceHandle {
  /** The pages' origin: the one the gateway's CORS allow-list must name. */
  origin: string;
}

/** Bundles each page's script (Apollo Client, the kit, the typed documents) once, at start. */
async function bundle(): Promise<Record<string, string>> {
  const result = await build({
    entryPoints: {
      patient: join(__dirname, 'browser', 'patient-page.ts'),
      clinician: join(__dirname, 'browser', 'clinician-page.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    outdir: '/assets',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return Object.fromEntries(result.outputFiles.map((file) => [file.path.replace(/^.*\//, ''), file.text]));
}

/**
 * `npm run web`: the example web client on its own origin. Pages and scripts come from here;
 * every request for data goes to the gateway, which the content security policy names as the
 * only place the pages may connect to.
 */
export async function startWebServer(config: WebConfig): Promise<WebHandle> {
  const scripts = await bundle();
  const gatewayOrigin = new URL(config.gatewayUrl).origin;
  const security = {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${gatewayOrigin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body), ...security });
    res.end(body);
  };
  const pages: Record<string, () => string> = {
    '/': () => indexPage(config.gatewayUrl),
    '/patient': () => patientPage(config.gatewayUrl),
    '/clinician': () => clinicianPage(config.gatewayUrl),
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    const page = pages[path];
    if (page) return send(res, 200, 'text/html', page());
    if (path === '/assets/web.css') return send(res, 200, 'text/css', STYLES);
    const script = /^\/assets\/([a-z]+\.js)$/.exec(path)?.[1];
    if (script && scripts[script] !== undefined) return send(res, 200, 'text/javascript', scripts[script]);
    return send(res, 404, 'text/plain', 'Not found');
  });
  const { port, origin } = await listen(server, config.host, config.port);
  return { url: `${origin}/`, origin, port, stop: () => closeServer(server, 1000) };
}
