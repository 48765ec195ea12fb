import { startWebServer } from '../clients/web/web-server';
import { loadWebConfig } from '../clients/web/web-config';

/**
 * `npm run web`: the example web client (a patient's page and a clinician's preview) on its own
 * origin, calling the gateway at WEB_GATEWAY_URL. Start the system first (`npm start`).
 */
async function main() {
  const config = loadWebConfig();
  const web = await startWebServer(config);
  console.log(`Example web client: ${web.url} (patient: ${web.url}patient, clinician: ${web.url}clinician)`);
  console.log(
    `It calls the gateway at ${config.gatewayUrl}; tokens: npm run --silent token -- --role patient --nhs-number 9990001375`,
  );
  const stop = () => void web.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
