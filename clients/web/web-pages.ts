/** The example web client's HTML shells: each page's script fills them through the public API. */

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function shell(title: string, gatewayUrl: string, script: string | null, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="gateway-url" content="${escapeAttribute(gatewayUrl)}">
    <title>${title}</title>
    <link rel="stylesheet" href="/assets/web.css">
    ${script ? `<script type="module" src="/assets/${script}.js"></script>` : ''}
  </head>
  <body>
    <header><p class="service">GP record online: example client (development only)</p></header>
    <main id="main">
${body}
    </main>
  </body>
</html>
`;
}

const signIn = (what: string) => `      <form id="sign-in" class="panel">
        <h2>Sign in</h2>
        <p>Paste a development token from <code>npm run --silent token -- ${what}</code>. It is kept in this page only: reloading signs you out.</p>
        <label for="token">Development token</label>
        <textarea id="token" name="token" rows="3" required autocomplete="off" spellcheck="false"></textarea>
        <button type="submit">Sign in</button>
      </form>`;

export function indexPage(gatewayUrl: string): string {
  return shell(
    'GP record online: example client',
    gatewayUrl,
    null,
    `      <h1>GP record online: example client</h1>
      <p>Two pages built only on the public API, the client kit's Apollo Client and its typed documents.</p>
      <ul>
        <li><a href="/patient">Your GP record</a>: what a patient sees, and why</li>
        <li><a href="/clinician">Preview a patient's online record</a>: each entry, shown or not, and why</li>
      </ul>`,
  );
}

export function patientPage(gatewayUrl: string): string {
  return shell(
    'Your GP record',
    gatewayUrl,
    'patient',
    `      <h1>Your GP record</h1>
${signIn('--role patient --nhs-number 9990001375')}
      <div id="problem" role="alert"></div>
      <section id="access" aria-labelledby="access-heading" hidden>
        <h2 id="access-heading">What you can see online</h2>
        <p id="access-summary"></p>
        <ul id="access-gaps"></ul>
      </section>
      <section id="record" aria-labelledby="record-heading" hidden>
        <h2 id="record-heading">Your record entries</h2>
        <p id="record-status" role="status"></p>
        <ol id="entries"></ol>
        <button type="button" id="more" hidden>Show more entries</button>
      </section>`,
  );
}

export function clinicianPage(gatewayUrl: string): string {
  return shell(
    "Preview a patient's online record",
    gatewayUrl,
    'clinician',
    `      <h1>Preview a patient's online record</h1>
${signIn('--role clinician --ods-code B84010')}
      <form id="find-patient" class="panel" hidden>
        <label for="nhs-number">Patient's NHS number</label>
        <input id="nhs-number" name="nhs-number" inputmode="numeric" autocomplete="off" required pattern="[0-9 ]{10,12}">
        <button type="submit">Preview record</button>
      </form>
      <div id="problem" role="alert"></div>
      <section id="access" aria-labelledby="access-heading" hidden>
        <h2 id="access-heading">What the patient sees online</h2>
        <p id="access-summary"></p>
        <ul id="access-gaps"></ul>
      </section>
      <section id="record" aria-labelledby="record-heading" hidden>
        <h2 id="record-heading">Every entry, and whether the patient sees it</h2>
        <p id="record-status" role="status"></p>
        <table id="entries">
          <caption>Entries, newest first</caption>
          <thead>
            <tr><th scope="col">Entry</th><th scope="col">Kind</th><th scope="col">Available from</th><th scope="col">Patient sees it</th><th scope="col">Why not</th></tr>
          </thead>
          <tbody></tbody>
        </table>
        <button type="button" id="more" hidden>Show more entries</button>
      </section>`,
  );
}

export const STYLES = `
body { font-family: Arial, sans-serif; margin: 0; color: #212b32; background: #f0f4f5; line-height: 1.5; }
header { background: #005eb8; color: #fff; padding: 0.5rem 1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.panel, section { background: #fff; padding: 1rem; margin: 1rem 0; }
label { display: block; font-weight: bold; margin-bottom: 0.25rem; }
textarea, input { width: 100%; box-sizing: border-box; font: inherit; padding: 0.4rem; border: 2px solid #4c6272; }
button { margin-top: 0.75rem; font: inherit; font-weight: bold; padding: 0.5rem 1rem; background: #007f3b; color: #fff; border: 0; cursor: pointer; }
button:focus, a:focus, textarea:focus, input:focus { outline: 4px solid #ffeb3b; }
[role="alert"]:not(:empty) { border-left: 6px solid #d5281b; background: #fff; padding: 0.75rem 1rem; margin: 1rem 0; }
#entries { padding-left: 1.5rem; }
#entries li { margin-bottom: 1rem; }
#entries h3 { margin: 0; font-size: 1.1rem; }
.meta { color: #4c6272; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #d8dde0; padding: 0.4rem; vertical-align: top; }
tr[data-visible="false"] { background: #fff9c4; }
`;
